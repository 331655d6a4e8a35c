/**
 * Byte-level encoding checks for CSV exports, which come as UTF-8 (with or without a BOM) or
 * Windows-1252 (é, ’, – in names). The only question is "is this valid UTF-8?": any byte sequence
 * is valid Windows-1252, so a sample that is not UTF-8 is taken as Windows-1252.
 */
import { isAscii, isUtf8 } from 'node:buffer';

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** What a sample says: `ascii` means it cannot tell yet (ASCII reads the same in both encodings). */
export type SampleEncoding = 'ascii' | 'utf-8' | 'windows-1252';

/** Length of the UTF-8 BOM at the start of `buf`, or 0. */
export function utf8BomLength(buf: Buffer): number {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** True when `buf` starts with a UTF-16 byte order mark (Excel's "Unicode Text" export). */
export function hasUtf16Bom(buf: Buffer): boolean {
  return (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
}

/**
 * How many bytes at the end of `buf` start a multi-byte UTF-8 character that the buffer cuts short
 * (0 to 3). Those bytes belong with the next chunk; whether they are valid is checked there.
 */
export function utf8IncompleteTail(buf: Buffer): number {
  const length = buf.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = buf[length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    if (byte < 0xc0) return 0; // ASCII (or a stray continuation run): nothing is cut
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return needed > back ? back : 0;
  }
  return 0;
}

/**
 * Index of the first byte of `buf` that is not part of a well-formed UTF-8 character (overlong
 * forms, surrogates, code points past U+10FFFF and a sequence cut off by the end of `buf` all
 * count), or -1 when `buf` is valid. Used to say where a file stops being UTF-8.
 */
export function firstInvalidUtf8(buf: Buffer): number {
  const length = buf.length;
  let i = 0;
  while (i < length) {
    const lead = buf[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let size: number;
    let min = 0x80;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) size = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      size = 3;
      if (lead === 0xe0) min = 0xa0;
      else if (lead === 0xed) max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      size = 4;
      if (lead === 0xf0) min = 0x90;
      else if (lead === 0xf4) max = 0x8f;
    } else return i;
    if (i + size > length) return i;
    const second = buf[i + 1] ?? 0;
    if (second < min || second > max) return i;
    for (let k = 2; k < size; k++) {
      const next = buf[i + k] ?? 0;
      if ((next & 0xc0) !== 0x80) return i;
    }
    i += size;
  }
  return -1;
}

/** Index of the first byte >= 0x80, or -1. */
export function firstNonAscii(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    if ((buf[i] ?? 0) >= 0x80) return i;
  }
  return -1;
}

/**
 * Classifies a sample from the start of a file (without its BOM). When `atEof` is false the sample
 * is a prefix, so a character cut off at its end is ignored rather than taken as invalid.
 */
export function detectSampleEncoding(sample: Buffer, atEof: boolean): SampleEncoding {
  const body = atEof ? sample : sample.subarray(0, sample.length - utf8IncompleteTail(sample));
  if (isAscii(body)) return 'ascii';
  return isUtf8(body) ? 'utf-8' : 'windows-1252';
}
