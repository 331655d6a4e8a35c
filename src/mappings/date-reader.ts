/**
 * Reads PMS date cells with a mapping's `date_formats` (Luxon tokens), tried in order. PMS dates are
 * calendar dates in the property's zone; the result is `YYYY-MM-DD`.
 *
 * Formats made only of `yyyy`, `MM`/`M`, `dd`/`d`, `HH`, `mm`, `ss`, quoted literals and punctuation
 * (all the usual PMS formats) are read by a regex built like Luxon's own, and the calendar date is
 * checked by hand: same answers, a fraction of the cost on 200,000 rows. A value such a regex
 * matches but that does not check out (02/30, hour 24) is given to Luxon, which has the last word;
 * so is every value for any other format.
 */
import { DateTime, Info, type TokenParser, type Zone } from 'luxon';
import type { CalendarDate } from '../core/resident-record.js';
import { StringPool } from './string-pool.js';

export type DateReading =
  | { ok: true; date: CalendarDate }
  /** `calendar`: some format matched the shape but the date does not exist (02/30/2026). */
  | { ok: false; calendar: boolean };

interface FastFormat {
  re: RegExp;
  /** The format is `yyyy-MM-dd`: a value it reads is already the canonical date. */
  iso: boolean;
  /** Capture group of each part; 0 when the format has no such part. */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

interface CompiledFormat {
  format: string;
  fast: FastFormat | undefined;
  /**
   * Luxon's parser for the format, built the first time a value needs Luxon: building it (a regex
   * from the tokens) is most of what a `fromFormat` call costs.
   */
  luxon: TokenParser | undefined;
}

const TOKEN_PATTERNS: Record<string, [part: keyof Omit<FastFormat, 're' | 'iso'>, pattern: string]> = {
  yyyy: ['year', '(\\d{4})'],
  MM: ['month', '(\\d{2})'],
  M: ['month', '(\\d{1,2})'],
  dd: ['day', '(\\d{2})'],
  d: ['day', '(\\d{1,2})'],
  HH: ['hour', '(\\d{2})'],
  mm: ['minute', '(\\d{2})'],
  ss: ['second', '(\\d{2})'],
};

/** The regex Luxon would use for `format`, when the format uses only tokens read by hand. */
function compileFastFormat(format: string): FastFormat | undefined {
  const out: FastFormat = {
    re: /$^/,
    iso: format === 'yyyy-MM-dd',
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
  };
  let pattern = '^';
  let group = 0;
  for (let i = 0; i < format.length;) {
    const ch = format[i] ?? '';
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (format[j] === ch) j++;
      const token = TOKEN_PATTERNS[format.slice(i, j)];
      if (token === undefined || out[token[0]] !== 0) return undefined;
      out[token[0]] = ++group;
      pattern += token[1];
      i = j;
    } else if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end <= i + 1) return undefined;
      pattern += escapeRegex(format.slice(i + 1, end));
      i = end + 1;
    } else {
      pattern += escapeRegex(ch);
      i++;
    }
  }
  if (out.year === 0 || out.month === 0 || out.day === 0) return undefined;
  out.re = new RegExp(`${pattern}$`, 'i');
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A calendar date as one number: the key dates are pooled by (no text hashed per date). */
function dayNumber(year: number, month: number, day: number): number {
  return (year * 16 + month) * 32 + day;
}

/** One string per calendar date, however many rows hold it (see string-pool.ts). */
type DatePool = StringPool<number>;

/** The date when `value` is a real `YYYY-MM-DD` date, checked by character: no regex match, no new string. */
function readIso(value: string, pool: DatePool): CalendarDate | null | undefined {
  if (value.length !== 10 || value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d) return null;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let k = 0; k < 10; k++) {
    if (k === 4 || k === 7) continue;
    const d = value.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return null;
    if (k < 4) year = year * 10 + d;
    else if (k < 7) month = month * 10 + d;
    else day = day * 10 + d;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return pool.of(dayNumber(year, month, day), value);
}

/** The date a fast format reads from `value`: a date, `null` for no match, `undefined` to ask Luxon. */
function readFast(f: FastFormat, value: string, pool: DatePool): CalendarDate | null | undefined {
  if (f.iso) return readIso(value, pool);
  const m = f.re.exec(value);
  if (m === null) return null;
  const year = m[f.year] ?? '';
  const monthText = m[f.month] ?? '';
  const dayText = m[f.day] ?? '';
  const month = Number(monthText);
  const day = Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(year), month)) return undefined;
  if (f.hour !== 0 && Number(m[f.hour]) > 23) return undefined;
  if (f.minute !== 0 && Number(m[f.minute]) > 59) return undefined;
  if (f.second !== 0 && Number(m[f.second]) > 59) return undefined;
  const n = dayNumber(Number(year), month, day);
  return (
    pool.find(n) ??
    pool.keep(
      n,
      `${year}-${monthText.length === 1 ? '0' : ''}${monthText}-${dayText.length === 1 ? '0' : ''}${dayText}`,
    )
  );
}

export class DateReader {
  private readonly formats: CompiledFormat[];
  /** The zone as Luxon's object: given by name, Luxon would check the name again on every value. */
  private readonly zone: Zone;
  private readonly dates: DatePool = new StringPool();

  constructor(formats: readonly string[], zone: string) {
    this.zone = Info.normalizeZone(zone);
    this.formats = formats.map((format) => ({ format, fast: compileFastFormat(format), luxon: undefined }));
  }

  /**
   * The date when the formats read by hand settle it (the usual case, with nothing allocated);
   * undefined when they do not, and then `read` has the answer and the reason.
   */
  quickRead(value: string): CalendarDate | undefined {
    for (const f of this.formats) {
      if (f.fast === undefined) return undefined;
      const fast = readFast(f.fast, value, this.dates);
      if (fast === null) continue;
      return fast;
    }
    return undefined;
  }

  read(value: string): DateReading {
    let calendar = false;
    for (const f of this.formats) {
      if (f.fast !== undefined) {
        const fast = readFast(f.fast, value, this.dates);
        if (fast === null) continue;
        if (fast !== undefined) return { ok: true, date: fast };
      }
      f.luxon ??= DateTime.buildFormatParser(f.format);
      const dt = DateTime.fromFormatParser(value, f.luxon, { zone: this.zone });
      const date = dt.isValid ? dt.toISODate() : null;
      if (date !== null) {
        return { ok: true, date: this.dates.of(dayNumber(dt.year, dt.month, dt.day), date) };
      }
      if (dt.invalidReason === 'unit out of range') calendar = true;
    }
    return { ok: false, calendar };
  }
}
