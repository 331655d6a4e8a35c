/**
 * Physical lines, as a text editor numbers them: a line ends at CRLF, LF or a lone CR. Every line
 * number a CSV source reports uses this one definition (the header search, the row parser, the line
 * of a byte that is not valid UTF-8), so they agree with each other and with the file on screen.
 */
import { createReadStream } from 'node:fs';

const LF = 0x0a;
const CR = 0x0d;

/** One physical line of a buffer, as byte offsets. */
export interface LineSpan {
  /** First byte of the line. */
  start: number;
  /** End of the line's content (exclusive), before its CR / LF / CRLF. */
  end: number;
  /** First byte of the next line (after the line break). */
  next: number;
}

/**
 * Splits `buf` (from byte `from`) into at most `maxLines` complete lines. When `atEof` is false the
 * buffer is a prefix of a longer file, so a last line without a break (or ending in a CR whose LF
 * may be in the bytes not yet read) is left out as incomplete. CR and LF never occur inside a
 * UTF-8 or Windows-1252 character, so splitting bytes is safe before decoding.
 */
export function splitLines(buf: Buffer, from: number, atEof: boolean, maxLines: number): LineSpan[] {
  const lines: LineSpan[] = [];
  let start = from;
  for (let i = from; i < buf.length && lines.length < maxLines; i++) {
    const byte = buf[i];
    if (byte === LF) {
      lines.push({ start, end: i, next: i + 1 });
      start = i + 1;
    } else if (byte === CR) {
      if (i + 1 === buf.length && !atEof) return lines;
      const next = buf[i + 1] === LF ? i + 2 : i + 1;
      lines.push({ start, end: i, next });
      start = next;
      i = next - 1;
    }
  }
  if (atEof && start < buf.length && lines.length < maxLines) {
    lines.push({ start, end: buf.length, next: buf.length });
  }
  return lines;
}

/** Line breaks (CRLF, LF or lone CR, each counted once) inside a string, e.g. a quoted cell. */
export function countLineBreaks(text: string): number {
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF) {
      breaks++;
    } else if (code === CR) {
      breaks++;
      if (text.charCodeAt(i + 1) === LF) i++;
    }
  }
  return breaks;
}

/**
 * The 1-based physical line holding byte `offset` of `file`. Reads the file up to that byte: meant
 * for error paths only, so that the streaming path never has to count lines it does not report.
 */
export async function lineAtByteOffset(file: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  let breaks = 0;
  let previous = -1;
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1 })) {
    const bytes = chunk as Buffer;
    for (const byte of bytes) {
      if (byte === CR || (byte === LF && previous !== CR)) breaks++;
      previous = byte;
    }
  }
  return breaks + 1;
}
