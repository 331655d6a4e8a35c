import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUtf8 } from 'node:buffer';
import { openCsvSource, type CsvSource, type CsvSourceOptions } from '../../src/sources/csv-source.js';
import { firstInvalidUtf8, utf8IncompleteTail } from '../../src/sources/detect-encoding.js';
import { countLineBreaks, splitLines } from '../../src/sources/physical-lines.js';
import { sniffDelimiter } from '../../src/sources/sniff-delimiter.js';
import { SourceReadError, type SourceRow } from '../../src/sources/source-row.js';

let dir = '';
let fileCount = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-source-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csvFile(content: string | Buffer): Promise<string> {
  const file = join(dir, `export-${++fileCount}.csv`);
  await writeFile(file, content);
  return file;
}

function options(overrides: Partial<CsvSourceOptions> = {}): CsvSourceOptions {
  return { delimiter: 'auto', encoding: 'auto', header: { line: 1 }, ...overrides };
}

interface ReadOutcome {
  source: CsvSource;
  rows: SourceRow[];
  /** What the iterator threw, if anything; rows holds what came before. */
  error?: SourceReadError;
}

async function read(
  content: string | Buffer,
  overrides: Partial<CsvSourceOptions> = {},
): Promise<ReadOutcome> {
  const source = await openCsvSource(await csvFile(content), options(overrides));
  const rows: SourceRow[] = [];
  try {
    for await (const row of source.rows) rows.push(row);
  } catch (err) {
    if (err instanceof SourceReadError) return { source, rows, error: err };
    throw err;
  }
  return { source, rows };
}

/** The error openCsvSource rejects with. */
async function openError(
  content: string | Buffer,
  overrides: Partial<CsvSourceOptions> = {},
): Promise<SourceReadError> {
  const file = await csvFile(content);
  const err: unknown = await openCsvSource(file, options(overrides)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceReadError);
  return err as SourceReadError;
}

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** "Renée O’Brien – Jr" in Windows-1252. */
const RENEE_1252 = [
  0x52, 0x65, 0x6e, 0xe9, 0x65, 0x20, 0x4f, 0x92, 0x42, 0x72, 0x69, 0x65, 0x6e, 0x20, 0x96, 0x20, 0x4a, 0x72,
];
const RENEE = 'Renée O’Brien – Jr';

/** ASCII data rows "<n>,Resident <n>" for lines 2.. (after a "Unit,Name" header), about 20 bytes each. */
function asciiRows(count: number, eol = '\n'): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `${1000 + i},Resident ${i}${eol}`;
  return out;
}

describe('openCsvSource: encodings', () => {
  it.each([
    {
      name: 'UTF-8',
      content: bytes('Name,Unit\n', `${RENEE},101\n`),
      options: {},
      encoding: 'utf-8',
    },
    {
      name: 'UTF-8 with a BOM (stripped from the first column name)',
      content: bytes([0xef, 0xbb, 0xbf], 'Name,Unit\n', `${RENEE},101\n`),
      options: {},
      encoding: 'utf-8',
    },
    {
      name: 'Windows-1252 (auto)',
      content: bytes('Name,Unit\n', RENEE_1252, ',101\n'),
      options: {},
      encoding: 'windows-1252',
    },
    {
      name: 'Windows-1252 (explicit)',
      content: bytes('Name,Unit\n', RENEE_1252, ',101\n'),
      options: { encoding: 'windows-1252' },
      encoding: 'windows-1252',
    },
    {
      name: 'UTF-8 (explicit)',
      content: bytes('Name,Unit\n', `${RENEE},101\n`),
      options: { encoding: 'utf-8' },
      encoding: 'utf-8',
    },
    {
      name: 'Windows-1252 name in the header line',
      content: bytes('Nom,Unit', [0xe9], '\n', RENEE_1252, ',101\n'),
      options: {},
      encoding: 'windows-1252',
      columns: ['Nom', 'Unité'],
    },
  ] satisfies {
    name: string;
    content: Buffer;
    options: Partial<CsvSourceOptions>;
    encoding: string;
    columns?: string[];
  }[])('reads $name', async ({ content, options: overrides, encoding, ...expected }) => {
    const { source, rows, error } = await read(content, overrides);
    expect(error).toBeUndefined();
    expect(source.encoding).toBe(encoding);
    expect(source.header).toEqual({ line: 1, columns: expected.columns ?? ['Name', 'Unit'] });
    expect(rows).toEqual([{ line: 2, cells: [RENEE, '101'] }]);
  });

  it('keeps UTF-8 characters whole where the 64 KiB sample and a stream chunk end', async () => {
    // The sample is bytes 0..65535: "é" starts at 65535. The row stream starts after the header
    // (byte 10) and reads 64 KiB chunks: its first chunk ends at byte 65546, inside "€".
    const header = 'Unit,Name\n';
    const first = `1,${'x'.repeat(60_000)}\n`;
    const ys = 'y'.repeat(65_535 - header.length - first.length - 2);
    const content = bytes(header, first, `2,${ys}é12345678€ Martín\n`, '3,Zoë\n');
    expect(content.subarray(65_535, 65_537)).toEqual(Buffer.from('é'));
    expect(content.subarray(65_545, 65_548)).toEqual(Buffer.from('€'));
    const { source, rows, error } = await read(content);
    expect(error).toBeUndefined();
    expect(source.encoding).toBe('utf-8');
    expect(rows.map((r) => r.cells[1])).toEqual(['x'.repeat(60_000), `${ys}é12345678€ Martín`, 'Zoë']);
  });

  it('decides from a later byte when the first 64 KiB are plain ASCII (Windows-1252 export)', async () => {
    const content = bytes('Unit,Name\n', asciiRows(5000), '9999,', RENEE_1252, '\n');
    expect(content.length).toBeGreaterThan(64 * 1024);
    const source = await openCsvSource(await csvFile(content), options());
    expect(source.encoding).toBe('utf-8'); // ASCII so far: nothing says otherwise yet
    const rows: SourceRow[] = [];
    for await (const row of source.rows) rows.push(row);
    expect(rows).toHaveLength(5001);
    expect(rows[5000]).toEqual({ line: 5002, cells: ['9999', RENEE] });
    expect(source.encoding).toBe('windows-1252');
  });

  it('decides Windows-1252 from a non-ASCII last byte of an ASCII-looking file', async () => {
    const { source, rows } = await read(bytes('Unit,Name\n', asciiRows(5000), '9999,Ren', [0xe9]));
    expect(rows.at(-1)).toEqual({ line: 5002, cells: ['9999', 'René'] });
    expect(source.encoding).toBe('windows-1252');
  });

  it('reports a file read as UTF-8 that ends inside a character', async () => {
    const { rows, error } = await read(bytes('Unit,Name\n101,Zoë\n102,Ren', [0xc3]), { encoding: 'utf-8' });
    expect(rows).toEqual([{ line: 2, cells: ['101', 'Zoë'] }]);
    expect(error?.message).toMatch(/line 3: the text is not valid UTF-8/);
  });

  it('reads a late UTF-8 name in an ASCII-looking file as UTF-8', async () => {
    const { source, rows } = await read(bytes('Unit,Name\n', asciiRows(5000), `9999,${RENEE}\n`));
    expect(rows.at(-1)).toEqual({ line: 5002, cells: ['9999', RENEE] });
    expect(source.encoding).toBe('utf-8');
  });

  it('stops with the line when a UTF-8 file turns into Windows-1252 past the sample', async () => {
    const content = bytes(
      'Unit,Name\n',
      `100,${RENEE}\n`,
      asciiRows(5000),
      '9999,',
      RENEE_1252,
      '\n',
      '10000,After\n',
    );
    const { source, rows, error } = await read(content);
    expect(source.encoding).toBe('utf-8');
    expect(error?.message).toMatch(/line 5003: the text is not valid UTF-8.*mixes encodings/);
    expect(error?.where).toMatchObject({ line: 5003 });
    expect(error?.message).toContain('export-');
    // Every row before the bad one is still handed out.
    expect(rows).toHaveLength(5001);
    expect(rows.at(-1)?.line).toBe(5002);
    expect(rows.some((r) => r.cells.join().includes('\uFFFD'))).toBe(false);
  });

  it('obeys an explicit utf-8 and names the line of bytes that are not UTF-8', async () => {
    const content = bytes('Unit,Name\n', '101,Ana\n', '102,', RENEE_1252, '\n', '103,Bo\n');
    const { rows, error } = await read(content, { encoding: 'utf-8' });
    expect(rows).toEqual([{ line: 2, cells: ['101', 'Ana'] }]);
    expect(error?.message).toMatch(
      /line 3: the text is not valid UTF-8, but csv\.encoding is "utf-8".*windows-1252/,
    );
    expect(error?.where).toMatchObject({ line: 3 });
  });

  it('rejects an explicit utf-8 file whose header is not UTF-8', async () => {
    const err = await openError(bytes('Unit,Nom', [0xe9], '\n101,Ana\n'), { encoding: 'utf-8' });
    expect(err.message).toMatch(/line 1: the text is not valid UTF-8/);
    expect(err.where.line).toBe(1);
  });

  it('rejects a UTF-16 file and says how to export instead', async () => {
    const err = await openError(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Unit\tName\n', 'utf16le')]),
    );
    expect(err.message).toMatch(/UTF-16.*CSV UTF-8/);
  });
});

describe('openCsvSource: delimiters and line endings', () => {
  it.each([
    { name: 'comma', text: 'Unit,Name,Email\n101,"Doe; Jane",a@x.com\n', delimiter: ',' },
    { name: 'semicolon', text: 'Unit;Name;Email\n101;"Doe, Jane";a@x.com\n', delimiter: ';' },
    { name: 'tab', text: 'Unit\tName\tEmail\n101\tDoe, Jane\ta@x.com\n', delimiter: '\t' },
    { name: 'pipe', text: 'Unit|Name|Email\n101|Doe, Jane|a@x.com\n', delimiter: '|' },
    {
      name: 'semicolon, commas only inside quotes',
      text: 'Unit;"Name, Last, First";Email\n101;Doe, Jane;a@x.com\n',
      delimiter: ';',
      second: 'Name, Last, First',
    },
  ])('sniffs $name from the header line', async ({ text, delimiter, second }) => {
    const { source, rows } = await read(text);
    expect(source.delimiter).toBe(delimiter);
    expect(source.header.columns).toEqual(['Unit', second ?? 'Name', 'Email']);
    expect(rows).toEqual([
      { line: 2, cells: ['101', delimiter === ',' ? 'Doe; Jane' : 'Doe, Jane', 'a@x.com'] },
    ]);
  });

  it.each([
    { name: 'a one-column file', text: 'Email\na@x.com\n', cells: ['a@x.com'] },
    {
      name: 'a comma/semicolon tie',
      text: 'Unit,Name;Email\n101,Doe;a@x.com\n',
      cells: ['101', 'Doe;a@x.com'],
    },
  ])('takes a comma for $name', async ({ text, cells }) => {
    const { source, rows } = await read(text);
    expect(source.delimiter).toBe(',');
    expect(rows[0]?.cells).toEqual(cells);
  });

  it('obeys an explicit delimiter over what the header suggests', async () => {
    const { source, rows } = await read('Unit;Name;Notes, more notes\n101;Doe;a, b, c\n', { delimiter: ',' });
    expect(source.delimiter).toBe(',');
    expect(source.header.columns).toEqual(['Unit;Name;Notes', 'more notes']);
    expect(rows[0]?.cells).toEqual(['101;Doe;a', ' b', ' c']);
  });

  it('sniffs a non-ASCII header without crashing', async () => {
    const { source, rows } = await read('Prénom;Nom;Unité;Téléphone\nRenée;O’Brien;101;+33 1 23\n');
    expect(source.delimiter).toBe(';');
    expect(source.header.columns).toEqual(['Prénom', 'Nom', 'Unité', 'Téléphone']);
    expect(rows[0]?.cells).toEqual(['Renée', 'O’Brien', '101', '+33 1 23']);
  });

  it.each([
    { name: 'LF', eol: '\n' },
    { name: 'CRLF', eol: '\r\n' },
    { name: 'CR (old Mac Excel)', eol: '\r' },
  ])(
    'reads $name line endings with the same rows and lines (a break inside a cell reads as LF)',
    async ({ eol }) => {
      const text = ['Unit,Name', '101,Ana', '', '102,"Bo', 'Two lines"', '103,Cy'].join(eol) + eol;
      const { rows } = await read(text);
      expect(rows).toEqual([
        { line: 2, cells: ['101', 'Ana'] },
        { line: 4, cells: ['102', 'Bo\nTwo lines'] },
        { line: 6, cells: ['103', 'Cy'] },
      ]);
    },
  );

  it('reads mixed line endings (CRLF header, LF rows) row by row', async () => {
    const { rows } = await read('Unit,Name\r\n101,Ana\n102,Bo\r\n103,Cy');
    expect(rows).toEqual([
      { line: 2, cells: ['101', 'Ana'] },
      { line: 3, cells: ['102', 'Bo'] },
      { line: 4, cells: ['103', 'Cy'] },
    ]);
  });
});

describe('openCsvSource: header', () => {
  const yardi = [
    'Rent Roll',
    'Property: Maple Court (maple)',
    'As of 11/22/2026,,',
    '',
    ' Unit , Unit Type,Resident,Name,Market Rent,Move In,Lease Expiration,Move Out,Balance',
    'Current Residents,,,,,,,,',
    '0101,2BR,t0002191,"Gomez, Ana",1500.00,3/28/2025,03/27/2026,,0.00',
    '0102,1BR,t0002192,"O\'Neil, Sam ""Jr""",1200.00,1/1/2024,12/31/2025,,12.50',
    'Total,,,,2700.00,,,,12.50',
  ];

  it.each([
    { name: 'LF', eol: '\n' },
    { name: 'CRLF', eol: '\r\n' },
  ])('finds a Yardi-like header under report banners by `contains` ($name)', async ({ eol }) => {
    const { source, rows } = await read(yardi.join(eol) + eol, {
      header: { contains: ['unit', 'NAME', ' Move In '] },
    });
    expect(source.header).toEqual({
      line: 5,
      columns: [
        'Unit',
        'Unit Type',
        'Resident',
        'Name',
        'Market Rent',
        'Move In',
        'Lease Expiration',
        'Move Out',
        'Balance',
      ],
    });
    expect(source.delimiter).toBe(',');
    expect(rows).toEqual([
      { line: 6, cells: ['Current Residents', '', '', '', '', '', '', '', ''] },
      {
        line: 7,
        cells: ['0101', '2BR', 't0002191', 'Gomez, Ana', '1500.00', '3/28/2025', '03/27/2026', '', '0.00'],
      },
      {
        line: 8,
        cells: [
          '0102',
          '1BR',
          't0002192',
          'O\'Neil, Sam "Jr"',
          '1200.00',
          '1/1/2024',
          '12/31/2025',
          '',
          '12.50',
        ],
      },
      { line: 9, cells: ['Total', '', '', '', '2700.00', '', '', '', '12.50'] },
    ]);
  });

  it('finds a semicolon header under banners that hold commas', async () => {
    const text =
      'Resident list, all properties, 2026\nExported by: Admin, Jane\nUnit;Name;Email\n101;Ana;a@x.com\n';
    const { source, rows } = await read(text, { header: { contains: ['Email', 'Unit'] } });
    expect(source.delimiter).toBe(';');
    expect(source.header.line).toBe(3);
    expect(rows).toEqual([{ line: 4, cells: ['101', 'Ana', 'a@x.com'] }]);
  });

  it('takes the header from an explicit line and never yields the lines above it', async () => {
    const { source, rows } = await read('Report "Q4\nAs of 11/22/2026\nUnit,Name\n101,Ana\n', {
      header: { line: 3 },
    });
    expect(source.header).toEqual({ line: 3, columns: ['Unit', 'Name'] });
    expect(rows).toEqual([{ line: 4, cells: ['101', 'Ana'] }]);
  });

  it('says which names it looked for, where, and what to check when no line has them', async () => {
    const err = await openError(yardi.join('\n'), { header: { contains: ['Unit', 'Name', 'Email'] } });
    expect(err.message).toContain('export-');
    expect(err.message).toContain('no header line found');
    expect(err.message).toContain('"Unit", "Name", "Email"');
    expect(err.message).toContain('the 9 lines of the file');
    expect(err.message).toContain('The closest is line 5, which lacks "Email"');
    expect(err.message).toContain('csv.header.contains');
  });

  it('searches only the first 200 lines for the header', async () => {
    const err = await openError(`${'banner\n'.repeat(250)}Unit,Name\n101,Ana\n`, {
      header: { contains: ['Unit'] },
    });
    expect(err.message).toContain('the first 200 lines');
  });

  it.each([
    { name: 'an empty file', text: '', header: { line: 1 }, message: /the file is empty/ },
    {
      name: 'a header line past the end',
      text: 'Unit,Name\n101,Ana\n',
      header: { line: 5 },
      message: /line 5 \(csv\.header\.line.*only 2 lines/,
    },
    {
      name: 'a blank header line',
      text: '\nUnit,Name\n',
      header: { line: 1 },
      message: /line 1: the header line is blank/,
    },
    {
      name: 'an unclosed quote in the header',
      text: 'Unit,"Name\n101,Ana\n',
      header: { line: 1 },
      message: /line 1: the header line has a quoted cell that is not closed/,
    },
  ])('rejects $name', async ({ text, header, message }) => {
    const err = await openError(text, { header });
    expect(err.message).toMatch(message);
    expect(err.where.file).toContain('export-');
  });

  it('trims header cells but never data cells', async () => {
    const { source, rows } = await read('  Unit ,\tName  \n 101 ,  Ana \n');
    expect(source.header.columns).toEqual(['Unit', 'Name']);
    expect(rows[0]?.cells).toEqual([' 101 ', '  Ana ']);
  });
});

describe('openCsvSource: rows and line numbers', () => {
  it('numbers lines right across many chunks with quoted line breaks here and there', async () => {
    // Every 97th record has a note over two or three lines, so breaks fall at every place in a chunk.
    let text = 'Unit,Name,Note\n';
    const expected: { line: number; unit: string }[] = [];
    let line = 2;
    for (let i = 0; i < 20_000; i++) {
      const lines = i % 97 === 0 ? 2 + (i % 2) : 1;
      const note =
        lines === 1 ? 'plain' : `"${Array.from({ length: lines }, (_, k) => `part ${k}`).join('\n')}"`;
      text += `${1000 + i},Resident ${i},${note}\n`;
      expected.push({ line, unit: String(1000 + i) });
      line += lines;
    }
    const { rows, error } = await read(text);
    expect(error).toBeUndefined();
    expect(rows.map((r) => ({ line: r.line, unit: r.cells[0] }))).toEqual(expected);
  });

  it('numbers rows by the physical line where each record starts', async () => {
    const text = [
      'Banner',
      'Unit,Name,Notes',
      '101,Ana,"line one',
      'line two',
      '',
      'line four"',
      '',
      '102,Bo,"a ""quoted"" word, and a comma"',
      '103,Cy,"crlf\r\ninside"',
      '104,Di,',
    ].join('\n');
    const { rows } = await read(text, { header: { line: 2 } });
    expect(rows).toEqual([
      { line: 3, cells: ['101', 'Ana', 'line one\nline two\n\nline four'] },
      { line: 8, cells: ['102', 'Bo', 'a "quoted" word, and a comma'] },
      { line: 9, cells: ['103', 'Cy', 'crlf\ninside'] },
      { line: 11, cells: ['104', 'Di', ''] },
    ]);
  });

  it('yields ragged rows as they are', async () => {
    const { rows } = await read('Unit,Name,Email\n101\n102,Bo,b@x.com,extra,more\n103,Cy\n');
    expect(rows.map((r) => r.cells)).toEqual([
      ['101'],
      ['102', 'Bo', 'b@x.com', 'extra', 'more'],
      ['103', 'Cy'],
    ]);
  });

  it('skips blank lines but yields lines of delimiters or spaces', async () => {
    const { rows } = await read('Unit,Name\n\n\r\n,\n   \n101,Ana\n\n');
    expect(rows).toEqual([
      { line: 4, cells: ['', ''] },
      { line: 5, cells: ['   '] },
      { line: 6, cells: ['101', 'Ana'] },
    ]);
  });

  it('reads stray quotes as written instead of failing the file', async () => {
    const { rows } = await read('Unit,Item\n101,5" pipe\n102,"3/4"" valve"\n103,"O"Brien",x\n104,ok\n');
    expect(rows).toEqual([
      { line: 2, cells: ['101', '5" pipe'] },
      { line: 3, cells: ['102', '3/4" valve'] },
      // A bare quote inside a quoted cell is kept; the cell ends at the quote before the delimiter.
      { line: 4, cells: ['103', 'O"Brien', 'x'] },
      { line: 5, cells: ['104', 'ok'] },
    ]);
  });

  it('can be iterated again, and stops cleanly when the loop breaks early', async () => {
    const source = await openCsvSource(await csvFile(`Unit,Name\n${asciiRows(10_000)}`), options());
    let seen = 0;
    for await (const _row of source.rows) {
      if (++seen === 3) break;
    }
    const again: SourceRow[] = [];
    for await (const row of source.rows) again.push(row);
    expect(again).toHaveLength(10_000);
    expect(again[0]).toEqual({ line: 2, cells: ['1000', 'Resident 0'] });
  });

  it('streams a 50,000-row export', async () => {
    let text = 'Property,Unit,Resident,Name,Email,Status\r\n';
    for (let i = 0; i < 50_000; i++) {
      text += `maple,${String(i % 400).padStart(4, '0')},t${i},"Doe, Jane ${i}",jane${i}@example.com,Current\r\n`;
    }
    const source = await openCsvSource(await csvFile(text), options());
    let count = 0;
    let last: SourceRow | undefined;
    for await (const row of source.rows) {
      count++;
      last = row;
    }
    expect(count).toBe(50_000);
    expect(last).toEqual({
      line: 50_001,
      cells: ['maple', '0399', 't49999', 'Doe, Jane 49999', 'jane49999@example.com', 'Current'],
    });
  });
});

describe('openCsvSource: unreadable files', () => {
  it('names the line where an unclosed quote starts, after yielding every row before it', async () => {
    const text = `Unit,Name\n${asciiRows(3000)}9000,"Never closed\n9001,Lost\n9002,Lost too\n`;
    const { rows, error } = await read(text);
    expect(rows).toHaveLength(3000);
    expect(rows.at(-1)?.line).toBe(3001);
    expect(error?.message).toMatch(
      /export-\d+\.csv, line 3002: a quoted cell is never closed.*Fix the quote/,
    );
    expect(error?.where).toMatchObject({ line: 3002 });
    expect(error?.where.file).toContain('export-');
  });

  it('stops at a record larger than maxRecordBytes, naming its first line', async () => {
    const text = `Unit,Name,Notes\n101,Ana,short\n102,Bo,"${'x'.repeat(300)}\n${'y'.repeat(300)}"\n103,Cy,short\n`;
    const { rows, error } = await read(text, { maxRecordBytes: 256 });
    expect(rows).toEqual([{ line: 2, cells: ['101', 'Ana', 'short'] }]);
    expect(error?.message).toMatch(
      /line 3: the record starting here is larger than 256 bytes.*quoted cell that is never closed/,
    );
    expect(error?.where).toMatchObject({ line: 3 });
  });

  it('turns a runaway quote in a big file into a size error at its line (default 1 MiB)', async () => {
    const text = `Unit,Name\n100,"Runaway\n${asciiRows(60_000)}`;
    const { rows, error } = await read(text);
    expect(rows).toEqual([]);
    expect(error?.message).toMatch(/line 2: the record starting here is larger than 1 MiB/);
  });

  it('reports a missing file with its path and the system code', async () => {
    const missing = join(dir, 'nope.csv');
    const err: unknown = await openCsvSource(missing, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).message).toBe(
      `${missing}: the CSV file cannot be read: there is no such file (ENOENT). Check the file path and its permissions.`,
    );
    expect((err as SourceReadError).where).toEqual({ file: missing });
  });

  it('reports a directory given as the file', async () => {
    const err: unknown = await openCsvSource(dir, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).message).toContain('(EISDIR)');
  });
});

describe('openCsvSource: rows a batch at a time', () => {
  it.each([
    ['rows over many chunks', `Unit,Name\n${asciiRows(20_000)}`],
    ['an unclosed quote after some rows', `Unit,Name\n${asciiRows(3000)}9000,"Never closed\n9001,Lost\n`],
    ['a header and no rows', 'Unit,Name\n'],
  ])('gives the same rows and the same error as one at a time: %s', async (_what, content) => {
    const source = await openCsvSource(await csvFile(content), options());
    const one: { rows: SourceRow[]; error?: unknown } = { rows: [] };
    try {
      for await (const row of source.rows) one.rows.push(row);
    } catch (err) {
      one.error = err;
    }
    const rows: SourceRow[] = [];
    let error: unknown;
    try {
      for await (const batch of source.batches) rows.push(...batch);
    } catch (err) {
      error = err;
    }
    expect(rows).toEqual(one.rows);
    expect(error).toEqual(one.error);
    expect(error === undefined).toBe(!content.includes('Never'));
  });
});

describe('openCsvSource: the hash of the file', () => {
  const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

  it.each([
    ['a small file', `Unit,Name\n${asciiRows(3)}`, {}],
    [
      'banners above the header, CRLF',
      `Rent Roll\r\nAs of 11/22/2026\r\n\r\nUnit,Name\r\n${asciiRows(5, '\r\n')}`,
      { header: { contains: ['Unit'] } },
    ],
    ['a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], `Unit,Name\n${asciiRows(3)}`), {}],
    ['many stream chunks', `Unit,Name\n${asciiRows(20_000)}`, {}],
    ['Windows-1252 text', bytes('Unit,Name\n101,', RENEE_1252, '\n'), {}],
  ] as [string, string | Buffer, Partial<CsvSourceOptions>][])(
    'is the SHA-256 of every byte of %s once the rows were read to the end',
    async (_what, content, overrides) => {
      const source = await openCsvSource(await csvFile(content), options(overrides));
      expect(source.sha256).toBeUndefined();
      for await (const _row of source.rows) {
        // read to the end
      }
      expect(source.sha256).toBe(sha256(content));
    },
  );

  it('is unknown when the read stopped early', async () => {
    const { source, error } = await read(`Unit,Name\n${asciiRows(3)}9000,"Never closed\n`);
    expect(error).toBeDefined();
    expect(source.sha256).toBeUndefined();

    const early = await openCsvSource(await csvFile(`Unit,Name\n${asciiRows(10)}`), options());
    for await (const _row of early.rows) break;
    expect(early.sha256).toBeUndefined();
  });
});

describe('csv source helpers', () => {
  it.each([
    { line: 'a,b;c;d', expected: ';' },
    { line: 'a\tb\tc,d', expected: '\t' },
    { line: 'a|b|c', expected: '|' },
    { line: '"a;b;c",d', expected: ',' },
    { line: '"say ""x;y""";b;c', expected: ';' },
    { line: 'only', expected: ',' },
    { line: 'a;b\tc', expected: ';' },
  ])('sniffs $expected in $line', ({ line, expected }) => {
    expect(sniffDelimiter(line)).toBe(expected);
  });

  it.each([
    { text: 'a\nb\r\nc\rd', breaks: 3 },
    { text: '\r\n\r\n', breaks: 2 },
    { text: '\n\r', breaks: 2 },
    { text: 'none', breaks: 0 },
  ])('counts $breaks line breaks in $text', ({ text, breaks }) => {
    expect(countLineBreaks(text)).toBe(breaks);
  });

  it('splits physical lines and leaves a possibly cut last line out of a prefix', () => {
    const buf = Buffer.from('a\r\nb\nc\rd\r');
    const spans = (atEof: boolean): string[] =>
      splitLines(buf, 0, atEof, 10).map((l) => buf.subarray(l.start, l.end).toString());
    expect(spans(true)).toEqual(['a', 'b', 'c', 'd']);
    expect(spans(false)).toEqual(['a', 'b', 'c']); // the final CR may be half of a CRLF
    expect(splitLines(buf, 0, true, 2)).toHaveLength(2);
  });

  it('finds the first invalid UTF-8 byte exactly where Node stops accepting the bytes', () => {
    // Random bytes biased towards UTF-8 lead and continuation bytes, checked against Node's isUtf8.
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const pool = [
      0x41, 0x0a, 0x80, 0x8f, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    for (let round = 0; round < 5000; round++) {
      const buf = Buffer.from(Array.from({ length: 1 + random(8) }, () => pool[random(pool.length)] ?? 0));
      const bad = firstInvalidUtf8(buf);
      expect(bad === -1, buf.toString('hex')).toBe(isUtf8(buf));
      if (bad !== -1) expect(isUtf8(buf.subarray(0, bad)), buf.toString('hex')).toBe(true);
    }
  });

  it('keeps a cut character for the next chunk at every cut of a UTF-8 text', () => {
    const text = Buffer.from('aé€😀z');
    for (let cut = 0; cut <= text.length; cut++) {
      const head = text.subarray(0, cut);
      const tail = utf8IncompleteTail(head);
      expect(isUtf8(head.subarray(0, cut - tail)), `cut at ${cut}`).toBe(true);
      expect(isUtf8(text.subarray(cut - tail)), `cut at ${cut}`).toBe(true);
    }
  });
});
