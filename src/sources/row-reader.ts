/**
 * Turns the decoded text of a CSV file, chunk by chunk, into SourceRow objects that carry the
 * physical line where each record starts. The tokenising is papaparse's `Parser` (the fastest of
 * the well-kept CSV parsers: about three times csv-parse on a 200,000-row export); this class adds
 * what a PMS export needs around it:
 *
 * - Line breaks: CRLF, LF and a lone CR all end a line and a record, mixed in one file. papaparse
 *   takes one newline sequence, so every CRLF or lone CR is turned into LF before parsing (a CR at
 *   the end of a chunk waits for the next one, whose first byte may be its LF). A line break inside
 *   a quoted cell therefore reads as LF.
 * - Chunks: a record cut by the end of a chunk is parsed again with the next one (papaparse's
 *   `ignoreLastRow`, the way its own streamers work). An unclosed quote makes that carried record
 *   grow; once it passes `maxRecordBytes` the read stops with a `CsvSyntaxError` at the line where
 *   the record starts, so a runaway quote cannot eat the memory.
 * - Line numbers: a record starts on the line after the previous one ended, and ends as many lines
 *   later as its cells hold line breaks (only quoted cells can). Counted here for every record,
 *   blank ones included, so the numbers match the file on screen.
 * - Blank lines come out of the parser as a record of one empty cell and are dropped (a line
 *   holding only `""` looks the same and is dropped too); a line of only delimiters is a row.
 * - Quotes are lenient, as real exports need: a quote inside an unquoted cell (`5" pipe`) is text;
 *   a stray quote inside a quoted cell (`"O"Brien"`) is kept and the cell ends at the quote that
 *   is followed by a delimiter or a line break (`O"Brien`). Only a quote that never closes fails.
 */
import Papa from 'papaparse';
import type { SourceRow } from './source-row.js';

/** Why a CSV cannot be read past a record. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly code: 'quote_not_closed' | 'record_too_large',
    /** The line where the failing record starts. */
    readonly line: number,
  ) {
    super(code === 'quote_not_closed' ? 'a quoted cell is never closed' : 'a record is too large');
  }
}

const LINE_BREAKS = /\r\n?/g;

function parserFor(delimiter: string): Papa.Parser {
  // Default quote and escape (`"` and `""`); no header, typing or comment handling: cells stay text.
  return new Papa.Parser({
    delimiter,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
  });
}

/** The cells of one line of text (no line break in it). Throws a CsvSyntaxError on an unclosed quote. */
export function parseLine(text: string, delimiter: string, line = 1): string[] {
  const result = parserFor(delimiter).parse(text.replace(LINE_BREAKS, '\n'), 0, false) as Papa.ParseResult<
    string[]
  >;
  if (result.errors.some((e) => e.code === 'MissingQuotes'))
    throw new CsvSyntaxError('quote_not_closed', line);
  return result.data[0] ?? [];
}

/** Line breaks inside a parsed cell (they are all LF by then). */
function countBreaks(cell: string): number {
  let breaks = 0;
  for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) breaks++;
  return breaks;
}

/** Size of a record's text in UTF-8 bytes, near enough: cells plus their delimiters. */
function recordBytes(cells: readonly string[]): number {
  let bytes = cells.length - 1;
  for (const cell of cells) bytes += Buffer.byteLength(cell);
  return bytes;
}

export class RowReader {
  /** 1-based physical line where the next record starts. */
  private nextLine: number;
  /** Text of a record not yet complete (cut by the end of the chunk). */
  private partial = '';
  /** The previous chunk ended in CR: its LF, if any, starts this one. */
  private heldCr = false;

  constructor(
    private readonly delimiter: string,
    firstLine: number,
    private readonly maxRecordBytes: number,
  ) {
    this.nextLine = firstLine;
  }

  /** The line where the next record starts (where a read error stopped the file). */
  get line(): number {
    return this.nextLine;
  }

  /**
   * Parses the next chunk of text; the complete records go to `out`. Throws a CsvSyntaxError after
   * putting in `out` every row before the failing record.
   */
  write(text: string, out: SourceRow[]): void {
    this.parse(text, false, out);
  }

  /** The end of the text: the last record, or the error of a quote that never closed. */
  end(out: SourceRow[]): void {
    this.parse('', true, out);
  }

  private parse(chunk: string, final: boolean, out: SourceRow[]): void {
    let text = this.heldCr ? `\r${chunk}` : chunk;
    this.heldCr = !final && text.charCodeAt(text.length - 1) === 13;
    if (this.heldCr) text = text.slice(0, -1);
    if (text.indexOf('\r') !== -1) text = text.replace(LINE_BREAKS, '\n');
    const input = this.partial === '' ? text : this.partial + text;
    if (input === '') return;

    const result = parserFor(this.delimiter).parse(input, 0, !final) as Papa.ParseResult<string[]>;
    const unclosed = final ? result.errors.find((e) => e.code === 'MissingQuotes') : undefined;
    // Rows at or after an unclosed quote are the runaway cell swallowing the lines after it.
    const usable = unclosed?.row ?? result.data.length;
    // No record can be larger than the text it came from: the per-record check is only needed then.
    const checkSizes =
      input.length * 3 > this.maxRecordBytes && Buffer.byteLength(input) > this.maxRecordBytes;
    // A record's line breaks are the one that ends it plus any inside its quoted cells. When the
    // complete records of this text hold exactly one break each, no cell holds one: nothing to
    // search cell by cell (the usual case; the last text of a file may lack its final break).
    const mayBreak =
      final || unclosed !== undefined || countBreaks(input.slice(0, result.meta.cursor)) !== usable;
    for (let k = 0; k < usable; k++) {
      const cells = result.data[k] as string[];
      const line = this.nextLine;
      if (checkSizes && recordBytes(cells) > this.maxRecordBytes) {
        throw new CsvSyntaxError('record_too_large', line);
      }
      let breaks = 0;
      if (mayBreak) {
        for (const cell of cells)
          if (cell.length > 0 && cell.indexOf('\n') !== -1) breaks += countBreaks(cell);
      }
      this.nextLine = line + 1 + breaks;
      if (cells.length === 1 && cells[0] === '') continue; // a blank line
      out.push({ line, cells });
    }
    if (unclosed) {
      const runaway = result.data[usable] ?? [];
      throw new CsvSyntaxError(
        recordBytes(runaway) > this.maxRecordBytes ? 'record_too_large' : 'quote_not_closed',
        this.nextLine,
      );
    }
    this.partial = final ? '' : input.slice(result.meta.cursor);
    if (
      this.partial.length * 3 > this.maxRecordBytes &&
      Buffer.byteLength(this.partial) > this.maxRecordBytes
    ) {
      throw new CsvSyntaxError('record_too_large', this.nextLine);
    }
  }
}
