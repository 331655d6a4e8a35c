/**
 * Decodes the bytes of a CSV file into text for the row reader, chunk by chunk (`write`, then
 * `end`); a character cut by the end of a chunk waits for the next one.
 * - `utf-8`: decoded after a check that the bytes are valid UTF-8 (a native `isUtf8` per chunk).
 *   At the first invalid byte the text before it is returned with a NotUtf8Error carrying the
 *   byte's file offset: never a silent U+FFFD in a resident's name.
 * - `windows-1252`: each chunk is decoded by iconv-lite (a single-byte encoding, so a chunk
 *   boundary never cuts a character).
 * - `undecided`: the file's sample was plain ASCII, which reads the same in both encodings. Bytes
 *   pass through while they stay ASCII; at the first non-ASCII byte the rest of that chunk decides,
 *   by the same rule as the sample (valid UTF-8 → utf-8, else windows-1252). Everything before was
 *   ASCII, so no row already produced would have read differently: the whole file ends up decoded
 *   by one right decoder.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { firstInvalidUtf8, firstNonAscii, utf8IncompleteTail } from './detect-encoding.js';

export type TranscoderEncoding = 'undecided' | 'utf-8' | 'windows-1252';

const EMPTY = Buffer.alloc(0);
const NO_TEXT = '';

/** The file is being read as UTF-8 and byte `byteOffset` (from the start of the file) is not UTF-8. */
export class NotUtf8Error extends Error {
  override readonly name = 'NotUtf8Error';
  constructor(readonly byteOffset: number) {
    super(`byte ${byteOffset} is not valid UTF-8`);
  }
}

export interface TranscodeResult {
  /** The decoded text. */
  output: string;
  /** Set when the input stops being UTF-8; `output` holds the text before that point. */
  error?: NotUtf8Error;
}

export class Utf8Transcoder {
  /** Bytes of a character cut by the end of the previous chunk. */
  private carry: Buffer = EMPTY;
  /** File offset of the first byte of `carry` (or of the next chunk when `carry` is empty). */
  private offset: number;

  constructor(
    private encoding: TranscoderEncoding,
    startOffset: number,
    /** Called once when an `undecided` input settles on an encoding. */
    private readonly onDecide: (encoding: 'utf-8' | 'windows-1252') => void,
  ) {
    this.offset = startOffset;
  }

  write(chunk: Buffer): TranscodeResult {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = EMPTY;
    if (this.encoding === 'undecided') {
      if (isAscii(data)) return this.pass(data);
      const first = firstNonAscii(data);
      const window = data.subarray(first, data.length - utf8IncompleteTail(data));
      if (window.length === 0) {
        // Only the start of a cut-off character so far: keep it until the next chunk.
        this.keep(data.subarray(first));
        return this.pass(data.subarray(0, first));
      }
      this.decide(isUtf8(window) ? 'utf-8' : 'windows-1252');
    }
    if (this.encoding === 'windows-1252') return this.decode1252(data);
    const tail = utf8IncompleteTail(data);
    const body = tail === 0 ? data : data.subarray(0, data.length - tail);
    if (!isUtf8(body)) {
      const bad = Math.max(0, firstInvalidUtf8(body));
      const error = new NotUtf8Error(this.offset + bad);
      return { output: this.pass(body.subarray(0, bad)).output, error };
    }
    if (tail !== 0) this.keep(data.subarray(data.length - tail));
    return this.pass(body);
  }

  /** The end of the input: a character still cut off is not UTF-8. */
  end(): TranscodeResult {
    if (this.carry.length === 0) return { output: NO_TEXT };
    const rest = this.carry;
    this.carry = EMPTY;
    if (this.encoding === 'utf-8') return { output: NO_TEXT, error: new NotUtf8Error(this.offset) };
    if (this.encoding === 'undecided') this.decide('windows-1252');
    return this.decode1252(rest);
  }

  private pass(bytes: Buffer): TranscodeResult {
    this.offset += bytes.length;
    return { output: bytes.toString('utf8') };
  }

  private decode1252(bytes: Buffer): TranscodeResult {
    this.offset += bytes.length;
    return { output: iconv.decode(bytes, 'windows-1252') };
  }

  private keep(bytes: Buffer): void {
    // A copy, so the carry does not pin the whole chunk it was cut from.
    this.carry = Buffer.from(bytes);
  }

  private decide(encoding: 'utf-8' | 'windows-1252'): void {
    this.encoding = encoding;
    this.onDecide(encoding);
  }
}
