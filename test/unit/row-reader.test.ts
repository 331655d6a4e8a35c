import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseLine, RowReader } from '../../src/sources/row-reader.js';
import type { SourceRow } from '../../src/sources/source-row.js';

function readAll(chunks: readonly string[], maxRecordBytes = 1024 * 1024): SourceRow[] {
  const reader = new RowReader(',', 2, maxRecordBytes);
  const rows: SourceRow[] = [];
  for (const chunk of chunks) reader.write(chunk, rows);
  reader.end(rows);
  return rows;
}

/** Every way of cutting `text` in two, and in three near its middle. */
function cuts(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 0; i <= text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  const mid = Math.floor(text.length / 2);
  for (let i = 0; i < mid; i++) out.push([text.slice(0, i), text.slice(i, mid), text.slice(mid)]);
  return out;
}

describe('RowReader: the same rows wherever the chunks are cut', () => {
  it.each([
    {
      name: 'LF, quoted cells with breaks, escaped quotes',
      text: '101,"Doe, Ana","a ""b"" c"\n102,"two\nlines",x\n\n103,,\n',
      rows: [
        { line: 2, cells: ['101', 'Doe, Ana', 'a "b" c'] },
        { line: 3, cells: ['102', 'two\nlines', 'x'] },
        { line: 6, cells: ['103', '', ''] },
      ],
    },
    {
      name: 'CRLF with a CRLF inside a quoted cell',
      text: '101,Ana\r\n102,"Bo\r\nTwo"\r\n\r\n103,Cy',
      rows: [
        { line: 2, cells: ['101', 'Ana'] },
        { line: 3, cells: ['102', 'Bo\nTwo'] },
        { line: 6, cells: ['103', 'Cy'] },
      ],
    },
    {
      name: 'lone CR and mixed endings',
      text: '101,Ana\r102,"Bo\rTwo"\n103,Cy\r\n104,Di\r',
      rows: [
        { line: 2, cells: ['101', 'Ana'] },
        { line: 3, cells: ['102', 'Bo\nTwo'] },
        { line: 5, cells: ['103', 'Cy'] },
        { line: 6, cells: ['104', 'Di'] },
      ],
    },
    {
      name: 'stray quotes',
      text: '101,5" pipe\n102,"O"Brien",x\n',
      rows: [
        { line: 2, cells: ['101', '5" pipe'] },
        { line: 3, cells: ['102', 'O"Brien', 'x'] },
      ],
    },
  ])('$name', ({ text, rows }) => {
    for (const chunks of cuts(text)) expect(readAll(chunks), JSON.stringify(chunks)).toEqual(rows);
  });
});

describe('RowReader: records that cannot be read', () => {
  it('reports an unclosed quote at the line its record starts, after the rows before it', () => {
    const reader = new RowReader(',', 2, 1024);
    const rows: SourceRow[] = [];
    reader.write('101,Ana\n102,"never\nclosed\n103,x\n', rows);
    expect(() => reader.end(rows)).toThrow(expect.objectContaining({ code: 'quote_not_closed', line: 3 }));
    expect(rows).toEqual([{ line: 2, cells: ['101', 'Ana'] }]);
  });

  it('stops a runaway record once it passes the size limit', () => {
    const reader = new RowReader(',', 2, 100);
    const rows: SourceRow[] = [];
    reader.write('101,Ana\n102,"runaway\n', rows);
    expect(() => reader.write('x'.repeat(200), rows)).toThrow(CsvSyntaxError);
    expect(() => new RowReader(',', 2, 100).write(`1,"${'y'.repeat(150)}"\n`, [])).toThrow(
      expect.objectContaining({ code: 'record_too_large', line: 2 }),
    );
    expect(rows).toEqual([{ line: 2, cells: ['101', 'Ana'] }]);
  });
});

describe('parseLine', () => {
  it.each([
    { text: 'Unit,Name,Email', cells: ['Unit', 'Name', 'Email'] },
    { text: '"Unit","Tenant, Name",', cells: ['Unit', 'Tenant, Name', ''] },
    { text: 'Unit;Name', cells: ['Unit;Name'] },
  ])('$text', ({ text, cells }) => {
    expect(parseLine(text, ',')).toEqual(cells);
  });

  it('throws on a quote that does not close on the line', () => {
    expect(() => parseLine('Unit,"Name', ',', 7)).toThrow(expect.objectContaining({ line: 7 }));
  });
});
