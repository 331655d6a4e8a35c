/**
 * The CSV source: streams a PMS export into header + rows (src/sources/source-row.ts).
 *
 * How a file is read:
 * 1. A bounded prefix (64 KiB, grown up to 1 MiB only if the header search needs more lines) is
 *    read up front to decide the encoding, find the header line and sniff the delimiter.
 * 2. The rows are streamed from the byte after the header line: each chunk is decoded by a
 *    Utf8Transcoder (checks UTF-8 or decodes Windows-1252) and parsed by a RowReader (papaparse's
 *    parser, line numbers, record size limit; see row-reader.ts). Banner lines above the header are never parsed, so a stray quote in a
 *    report title cannot swallow the file. The file is never read whole; each iteration of `rows`
 *    opens its own stream (nothing is opened until the rows are iterated, and breaking out of the
 *    loop closes the file).
 * 3. When the rest of the file cannot be read (unclosed quote, oversize record, bytes that are not
 *    UTF-8, a read error), every row that starts before the failing record is still yielded, then
 *    the iterator throws a SourceReadError with the file and the line.
 *
 * Decisions:
 * - Encoding `auto`: a UTF-8 BOM means UTF-8; otherwise the prefix decides: valid UTF-8 → utf-8,
 *   not valid → windows-1252 (iconv-lite). A prefix of plain ASCII cannot tell (a 200,000-row
 *   Windows-1252 export may have its first "é" far past 64 KiB), so the decision waits for the
 *   first non-ASCII byte in the stream and is made there by the same rule; everything before was
 *   ASCII, so the whole file is decoded by one right decoder. Once the file is being read as UTF-8
 *   (chosen, detected from non-ASCII text, or settled in the stream), bytes that are not UTF-8 raise
 *   a SourceReadError naming their line (the file mixes encodings) rather than becoming U+FFFD.
 *   `encoding` in the result is a getter: for an all-ASCII prefix it reads 'utf-8' until the stream
 *   settles, then tells what it settled on.
 * - Quotes are lenient: real exports hold unquoted cells like `5" pipe`; those are read as
 *   written instead of failing the whole file. A quoted cell with a bare quote inside
 *   (`"O"Brien"`) keeps that quote (`O"Brien`). A quote that opens a cell and never closes still
 *   fails (at the end of the file, or once the runaway cell passes `maxRecordBytes`), with the
 *   line where that record starts.
 * - Blank lines yield nothing; lines of only delimiters or spaces are rows.
 * - Line breaks: CRLF, LF and a lone CR all end a line and a record (mixed endings included), and
 *   line numbers count them the same way (see physical-lines.ts).
 * - Line numbers: SourceRow.line is the physical line of the original file where the record
 *   starts, banner and blank lines included, a multi-line quoted cell counted as the lines it
 *   spans (counted by the RowReader).
 * - A UTF-8 BOM is stripped whatever the encoding option; a UTF-16 BOM is an error (Excel's
 *   "Unicode Text" export), as neither supported encoding could read it.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { detectSampleEncoding, hasUtf16Bom, utf8BomLength } from './detect-encoding.js';
import { lineAtByteOffset, splitLines, type LineSpan } from './physical-lines.js';
import { CsvSyntaxError, parseLine, RowReader } from './row-reader.js';
import { describeDelimiter, sniffDelimiter, type Delimiter } from './sniff-delimiter.js';
import { SourceReadError, type SourceReadResult, type SourceRow } from './source-row.js';
import {
  NotUtf8Error,
  Utf8Transcoder,
  type TranscodeResult,
  type TranscoderEncoding,
} from './utf8-transcoder.js';

export interface CsvSourceOptions {
  delimiter: 'auto' | ',' | ';' | '\t' | '|';
  encoding: 'auto' | 'utf-8' | 'windows-1252';
  /** The header line: a 1-based line number, or the first line whose cells include all of `contains` (trimmed, case-insensitive). */
  header: { line: number } | { contains: string[] };
  /** A record larger than this is a SourceReadError (an unclosed quote must not eat the memory). Default 1 MiB. */
  maxRecordBytes?: number;
}

export type CsvEncoding = 'utf-8' | 'windows-1252';

export type CsvSource = SourceReadResult & {
  /**
   * The same rows as `rows`, a chunk of the file at a time: what a reader of a large export
   * iterates (one await per chunk rather than per row).
   */
  batches: AsyncIterable<readonly SourceRow[]>;
  encoding: CsvEncoding;
  delimiter: string;
  /**
   * SHA-256 (hex) of the whole file, hashed from the bytes the rows were read from: known once the
   * rows have been iterated to the end of the file, undefined before or when a read stopped early.
   */
  readonly sha256: string | undefined;
};

/** The first read: enough to judge the encoding and to hold the header of almost any export. */
const SAMPLE_BYTES = 64 * 1024;
/** The prefix grows up to this while the header search needs more complete lines. */
const PREFIX_MAX_BYTES = 1024 * 1024;
/** `header.contains` looks at this many lines at most. */
export const HEADER_SEARCH_LINES = 200;
const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** Read size of the row stream: Node's default; 256 KiB was no faster on a 200,000-row file and used more memory. */
const STREAM_CHUNK_BYTES = 64 * 1024;

export async function openCsvSource(file: string, options: CsvSourceOptions): Promise<CsvSource> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes <= 0) {
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${String(options.maxRecordBytes)}`);
  }
  const wantLines = 'line' in options.header ? options.header.line : HEADER_SEARCH_LINES;
  const prefix = await readPrefix(file, wantLines);

  if (hasUtf16Bom(prefix.bytes)) {
    throw new SourceReadError(
      `${file}: the file is UTF-16 (Excel's "Unicode Text" export), which cannot be read. ` +
        'Save or export it as "CSV UTF-8" instead.',
      { file },
    );
  }
  const bom = utf8BomLength(prefix.bytes);
  let encoding: TranscoderEncoding;
  if (options.encoding !== 'auto') encoding = options.encoding;
  else if (bom > 0) encoding = 'utf-8';
  else {
    const sampled = detectSampleEncoding(prefix.bytes, prefix.atEof);
    encoding = sampled !== 'ascii' ? sampled : prefix.atEof ? 'utf-8' : 'undecided';
  }

  const lines = splitLines(prefix.bytes, bom, prefix.atEof, wantLines);
  const lineText = (span: LineSpan): string => {
    const bytes = prefix.bytes.subarray(span.start, span.end);
    return encoding === 'windows-1252' ? iconv.decode(bytes, 'windows-1252') : bytes.toString('utf8');
  };
  const found = findHeader(file, options, lines, lineText, prefix.atEof);
  const headerLine = found.index + 1;
  const headerSpan = lines[found.index];
  if (headerSpan === undefined) throw new Error('unreachable: the header span was just found');
  if (encoding === 'utf-8' && !isUtf8(prefix.bytes.subarray(headerSpan.start, headerSpan.end))) {
    throw new SourceReadError(notUtf8Message(file, headerLine, options.encoding), { file, line: headerLine });
  }

  const stream: StreamContext = {
    file,
    head: prefix.bytes.subarray(0, headerSpan.next),
    sha256: undefined,
    start: headerSpan.next,
    firstLine: headerLine + 1,
    encodingOption: options.encoding,
    encoding,
    maxRecordBytes,
    delimiter: found.delimiter,
  };
  return {
    header: { line: headerLine, columns: found.columns },
    delimiter: found.delimiter,
    get encoding(): CsvEncoding {
      return stream.encoding === 'windows-1252' ? 'windows-1252' : 'utf-8';
    },
    get sha256(): string | undefined {
      return stream.sha256;
    },
    batches: { [Symbol.asyncIterator]: () => readBatches(stream) },
    rows: { [Symbol.asyncIterator]: () => readRows(stream) },
  };
}

interface StreamContext {
  file: string;
  /** The file's bytes before `start` (banners and header), for the file's hash. */
  head: Buffer;
  /** Set when an iteration read every byte of the file. */
  sha256: string | undefined;
  /** Byte offset of the line after the header. */
  start: number;
  /** Its 1-based line number. */
  firstLine: number;
  encodingOption: CsvSourceOptions['encoding'];
  /** Updated when an undecided stream settles, so later iterations and the `encoding` getter know. */
  encoding: TranscoderEncoding;
  maxRecordBytes: number;
  delimiter: Delimiter;
}

async function* readRows(ctx: StreamContext): AsyncGenerator<SourceRow, void, undefined> {
  for await (const batch of readBatches(ctx)) yield* batch;
}

async function* readBatches(ctx: StreamContext): AsyncGenerator<readonly SourceRow[], void, undefined> {
  const input = createReadStream(ctx.file, { start: ctx.start, highWaterMark: STREAM_CHUNK_BYTES });
  const transcoder = new Utf8Transcoder(ctx.encoding, ctx.start, (settled) => {
    ctx.encoding = settled;
  });
  const reader = new RowReader(ctx.delimiter, ctx.firstLine, ctx.maxRecordBytes);
  // The file's hash from the bytes being read anyway: a second pass over a large export costs
  // about as much as hashing it.
  const hash = createHash('sha256').update(ctx.head);
  let rows: SourceRow[] = [];
  /** Parses decoded text into `rows`; what stopped the read, if anything (the rows before it are in). */
  const feed = ({ output, error }: TranscodeResult, final: boolean): unknown => {
    try {
      if (output !== '') reader.write(output, rows);
      if (error) return error;
      if (final) reader.end(rows);
    } catch (err) {
      return err;
    }
    return undefined;
  };
  let failure: unknown;
  try {
    for await (const chunk of input) {
      hash.update(chunk as Buffer);
      failure = feed(transcoder.write(chunk as Buffer), false);
      if (rows.length > 0) {
        yield rows;
        rows = []; // the consumer may keep the batch it was given
      }
      if (failure !== undefined) break;
    }
    if (failure === undefined) {
      failure = feed(transcoder.end(), true);
      if (rows.length > 0) yield rows;
      if (failure === undefined) ctx.sha256 = hash.digest('hex');
    }
  } catch (err) {
    failure = err; // the file could not be read on
  } finally {
    // Also runs when the consumer breaks out early: closes the file.
    input.destroy();
  }
  if (failure !== undefined) throw await toSourceReadError(failure, ctx, reader.line);
}

async function toSourceReadError(err: unknown, ctx: StreamContext, line: number): Promise<SourceReadError> {
  const { file } = ctx;
  if (err instanceof SourceReadError) return err;
  if (err instanceof NotUtf8Error) {
    const badLine = await lineAtByteOffset(file, err.byteOffset).catch(() => undefined);
    return new SourceReadError(
      notUtf8Message(file, badLine, ctx.encodingOption),
      { file, line: badLine },
      { cause: err },
    );
  }
  if (err instanceof CsvSyntaxError) {
    return new SourceReadError(
      `${file}, line ${err.line}: ${csvErrorText(err, ctx.maxRecordBytes)}`,
      { file, line: err.line },
      { cause: err },
    );
  }
  if (isErrnoException(err)) {
    return new SourceReadError(
      `${file}: reading the file failed near line ${line} (${err.code}: ${err.message}). ` +
        'Check that the file is not being replaced while it is read, and run again.',
      { file, line },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SourceReadError(
    `${file}, line ${line}: the CSV cannot be read: ${message}`,
    { file, line },
    { cause: err },
  );
}

function csvErrorText(err: CsvSyntaxError, maxRecordBytes: number): string {
  switch (err.code) {
    case 'quote_not_closed':
      return (
        'a quoted cell is never closed, so the rest of the file cannot be read. ' +
        'Fix the quote (a quote inside a quoted cell is written "") or re-export the file.'
      );
    case 'record_too_large':
      return (
        `the record starting here is larger than ${formatBytes(maxRecordBytes)}. ` +
        'This is almost always a quoted cell that is never closed and swallows the lines after it; ' +
        'fix the quote or re-export the file.'
      );
  }
}

function notUtf8Message(
  file: string,
  line: number | undefined,
  option: CsvSourceOptions['encoding'],
): string {
  const where = line === undefined ? `${file}: the file` : `${file}, line ${line}:`;
  if (option === 'utf-8') {
    return (
      `${where} the text is not valid UTF-8, but csv.encoding is "utf-8". If this is a Windows-1252 ` +
      'export (é, ’, – in names), set csv.encoding to "windows-1252" or "auto"; otherwise re-export it as UTF-8.'
    );
  }
  return (
    `${where} the text is not valid UTF-8, though the lines before it are UTF-8: the file mixes encodings. ` +
    'Re-export it as UTF-8, or set csv.encoding to "windows-1252" if that is what it is.'
  );
}

interface FoundHeader {
  /** 0-based index into the lines. */
  index: number;
  delimiter: Delimiter;
  columns: string[];
}

function findHeader(
  file: string,
  options: CsvSourceOptions,
  lines: LineSpan[],
  lineText: (span: LineSpan) => string,
  atEof: boolean,
): FoundHeader {
  if (lines.length === 0 && atEof) {
    throw new SourceReadError(`${file}: the file is empty; there is no header line.`, { file });
  }
  const explicit = options.delimiter === 'auto' ? undefined : options.delimiter;
  const header = options.header;

  if ('line' in header) {
    const n = header.line;
    const span = lines[n - 1];
    if (span === undefined) {
      const why = atEof
        ? `the file has only ${lines.length} line${lines.length === 1 ? '' : 's'}`
        : `line ${n} is not within the first ${formatBytes(PREFIX_MAX_BYTES)} of the file`;
      throw new SourceReadError(
        `${file}: the header should be on line ${n} (csv.header.line in the mapping), but ${why}. ` +
          'Check csv.header in the mapping.',
        { file },
      );
    }
    const text = lineText(span);
    const delimiter = explicit ?? sniffDelimiter(text);
    let cells: string[];
    try {
      cells = parseLine(text, delimiter, n);
    } catch (err) {
      throw new SourceReadError(
        `${file}, line ${n}: the header line has a quoted cell that is not closed on that line. ` +
          'Fix the header or check csv.header.line in the mapping.',
        { file, line: n },
        { cause: err },
      );
    }
    const columns = cells.map((c) => c.trim());
    if (columns.every((c) => c === '')) {
      throw new SourceReadError(
        `${file}, line ${n}: the header line is blank. Check csv.header in the mapping ` +
          '(a line number, or `contains` with column names to find the header below report banners).',
        { file, line: n },
      );
    }
    return { index: n - 1, delimiter, columns };
  }

  const wanted = header.contains.map((name) => name.trim().toLowerCase());
  let closest: { line: number; missing: string[] } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const span = lines[index];
    if (span === undefined) break;
    const text = lineText(span);
    if (text.trim() === '') continue;
    const delimiter = explicit ?? sniffDelimiter(text);
    let cells: string[];
    try {
      cells = parseLine(text, delimiter);
    } catch {
      continue; // a banner with a stray quote is not the header
    }
    const columns = cells.map((c) => c.trim());
    const have = new Set(columns.map((c) => c.toLowerCase()));
    const missing = header.contains.filter((_, k) => !have.has(wanted[k] ?? ''));
    if (missing.length === 0) return { index, delimiter, columns };
    if (
      missing.length < header.contains.length &&
      (closest === undefined || missing.length < closest.missing.length)
    ) {
      closest = { line: index + 1, missing };
    }
  }
  const searched =
    atEof && lines.length < HEADER_SEARCH_LINES
      ? `the ${lines.length} line${lines.length === 1 ? '' : 's'} of the file`
      : `the first ${lines.length} lines`;
  const names = header.contains.map((n) => `"${n}"`).join(', ');
  const hint =
    closest === undefined
      ? ''
      : ` The closest is line ${closest.line}, which lacks ${closest.missing.map((n) => `"${n}"`).join(', ')}.`;
  const delimiterNote =
    explicit === undefined ? '' : ` (cells split at ${describeDelimiter(explicit)}, csv.delimiter)`;
  throw new SourceReadError(
    `${file}: no header line found: none of ${searched} has all of the columns ${names}${delimiterNote}.${hint} ` +
      'Check csv.header.contains in the mapping against the header of the file (names match trimmed and case-insensitively).',
    { file },
  );
}

interface Prefix {
  bytes: Buffer;
  /** True when `bytes` is the whole file. */
  atEof: boolean;
}

/** Reads SAMPLE_BYTES, then more (doubling, up to PREFIX_MAX_BYTES) until `wantLines` complete lines are in. */
async function readPrefix(file: string, wantLines: number): Promise<Prefix> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw openError(file, err);
  }
  try {
    let bytes = Buffer.alloc(0);
    let atEof = false;
    for (;;) {
      const target = bytes.length === 0 ? SAMPLE_BYTES : Math.min(bytes.length * 2, PREFIX_MAX_BYTES);
      while (bytes.length < target) {
        const chunk = Buffer.allocUnsafe(target - bytes.length);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, bytes.length);
        if (bytesRead === 0) {
          atEof = true;
          break;
        }
        bytes = Buffer.concat([bytes, chunk.subarray(0, bytesRead)]);
      }
      if (atEof || bytes.length >= PREFIX_MAX_BYTES) return { bytes, atEof };
      if (splitLines(bytes, utf8BomLength(bytes), false, wantLines).length >= wantLines)
        return { bytes, atEof };
    }
  } catch (err) {
    throw openError(file, err);
  } finally {
    await handle.close();
  }
}

function openError(file: string, err: unknown): SourceReadError {
  if (!isErrnoException(err)) {
    return new SourceReadError(
      `${file}: the CSV file cannot be read: ${String(err)}`,
      { file },
      { cause: err },
    );
  }
  const what: Record<string, string> = {
    ENOENT: 'there is no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory, not a file',
  };
  const reason = what[err.code ?? ''] ?? err.message;
  return new SourceReadError(
    `${file}: the CSV file cannot be read: ${reason} (${err.code ?? 'error'}). Check the file path and its permissions.`,
    { file },
    { cause: err },
  );
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    !(err instanceof CsvSyntaxError)
  );
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
