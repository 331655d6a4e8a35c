/**
 * csv-parse's streaming Parser, fed raw file bytes through a Utf8Transcoder, emitting SourceRow
 * objects that carry the physical line where each record starts.
 *
 * Line numbers: csv-parse's `info.lines` is the line where a record *ends*, csv-parse 7 counts a
 * CRLF inside a quoted cell as two lines (every later row would be off by one), and the `info`
 * option allocates an object per record that adds about a third to the parse time of a
 * 200,000-row export. So lines are counted here, as records come out of the parser (`push`, where
 * any Transform hands over its output, in file order): a record starts on the line after the
 * previous one ended and ends as many lines later as its cells hold line breaks (only quoted cells
 * can). Counting at push time rather than when the consumer reads a row keeps `nextLine` right
 * although the stream buffers rows ahead of the consumer: when parsing fails, it is the line where
 * the failing record starts.
 *
 * Blank lines reach `push` as a record of one empty cell (the parser must run with
 * `skip_empty_lines: false` so that they are counted); they are dropped here. A line holding only
 * `""` looks the same and is dropped too; a line of only delimiters (",,,") is a row.
 *
 * Failures (csv-parse errors, bytes that are not UTF-8, a read error reported through `fail`) do
 * not error the stream, which would throw away rows parsed but not yet read: the stream ends after
 * the last complete record before the failure, and `failure` / `failureLine` say what and where.
 * The consumer reads every row before the failing record, then raises the failure.
 */
import { Parser, type Options } from 'csv-parse';
import type { TransformCallback } from 'node:stream';
import { countLineBreaks } from './physical-lines.js';
import type { SourceRow } from './source-row.js';
import type { TranscodeResult, Utf8Transcoder } from './utf8-transcoder.js';

export class RowParser extends Parser {
  /** 1-based physical line where the next record starts. */
  nextLine: number;
  /** What stopped the parse, if anything; the stream has ended after the rows before it. */
  failure: unknown = undefined;
  /** The line where the record being parsed at the failure starts. */
  failureLine = 0;

  constructor(
    options: Options,
    firstLine: number,
    private readonly transcoder: Utf8Transcoder,
    /** Called once on a failure, e.g. to stop reading the file. */
    private readonly onFail: () => void = () => {},
  ) {
    super({ ...options, skip_empty_lines: false, info: false, raw: false, columns: false });
    this.nextLine = firstLine;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!Array.isArray(chunk)) return super.push(chunk, encoding); // null: the end of the stream
    const cells: string[] = chunk;
    const line = this.nextLine;
    let breaks = 0;
    for (const cell of cells) {
      if (cell.indexOf('\n') !== -1 || cell.indexOf('\r') !== -1) breaks += countLineBreaks(cell);
    }
    this.nextLine = line + 1 + breaks;
    if (cells.length === 1 && cells[0] === '') return true; // a blank line
    const row: SourceRow = { line, cells };
    return super.push(row);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.failure !== undefined) {
      callback(); // the rest of the input is not read any further
      return;
    }
    this.parseTranscoded(this.transcoder.write(chunk), callback, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (this.failure !== undefined) {
      callback();
      return;
    }
    this.parseTranscoded(this.transcoder.end(), callback, () =>
      super._flush((err?: Error | null) => {
        if (err) this.fail(err);
        callback();
      }),
    );
  }

  /** Stops the parse: the stream ends after the rows already pushed. Safe to call more than once. */
  fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.failureLine = this.nextLine;
    if (!this.destroyed) this.push(null);
    this.onFail();
  }

  private parseTranscoded(result: TranscodeResult, callback: TransformCallback, then: () => void): void {
    const afterParse = (err?: Error | null): void => {
      if (err) this.fail(err);
      else if (result.error) this.fail(result.error);
      if (this.failure !== undefined) callback();
      else then();
    };
    if (result.output.length === 0) afterParse();
    else super._transform(result.output, 'utf8', afterParse); // csv-parse ignores the encoding: it parses bytes
  }
}
