/**
 * Pure readers for what PMS cells hold: names written "Last, First (Minor)", email addresses,
 * phone numbers in any local style, labelled lists like "Home: (312) 555-0100, Mobile: …".
 */
import { z } from 'zod';

const BLANKS = /\s+/g;
const UNUSUAL_BLANKS = /\s\s|[^\S ]/;

/** Collapses runs of blanks and trims. */
export function squeeze(text: string): string {
  const trimmed = text.trim();
  return UNUSUAL_BLANKS.test(trimmed) ? trimmed.replace(BLANKS, ' ') : trimmed;
}

/** "Gomez, Ana (Minor)" -> "Ana Gomez": notes in parentheses dropped, "Last, First" turned around. */
export function lastFirstName(value: string): string {
  const text = value.includes('(') ? value.replace(/\([^)]*(?:\)|$)/g, ' ') : value;
  const comma = text.indexOf(',');
  return squeeze(comma < 0 ? text : `${text.slice(comma + 1)} ${text.slice(0, comma)}`);
}

/** The email regex of the canonical record's schema, so a value accepted here is accepted there. */
const EMAIL = z.regexes.email;

/** Lower-cased address, or `undefined` when the value is not an email address. */
export function normaliseEmail(value: string): string | undefined {
  const email = value.toLowerCase();
  return EMAIL.test(email) ? email : undefined;
}

/** Spaces, parentheses, dots and dashes (ASCII and Unicode): how people group the digits of a phone number. */
const PHONE_PUNCTUATION = /[ ().\-\u00a0\u2010-\u2015\t]/g;
/** What is left of a phone number once its punctuation is gone: digits, perhaps after one leading "+". */
const PHONE_DIGITS = /^\+?\d*$/;

/** E.164 for a North American number ("(312) 555-0100" -> "+13125550100") or one already in E.164; else as written. */
export function normalisePhone(value: string): string {
  // One replace and one test rather than a loop appending digit by digit: a large export has a
  // phone on most rows, and each appended digit was a string of its own.
  const bare = value.replace(PHONE_PUNCTUATION, '');
  if (!PHONE_DIGITS.test(bare)) return value;
  const plus = bare.charCodeAt(0) === 0x2b;
  const digits = plus ? bare.slice(1) : bare;
  if (plus && digits.length >= 7 && digits.length <= 15 && digits[0] !== '0') {
    return `+${digits}`;
  }
  const national = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : plus ? '' : digits;
  if (
    national.length === 10 &&
    national[0] !== '0' &&
    national[0] !== '1' &&
    national[3] !== '0' &&
    national[3] !== '1'
  ) {
    return `+1${national}`;
  }
  return value;
}

const LABELLED = /^([A-Za-z][A-Za-z .\-/]*?)\s*:\s*(.*)$/s;

/**
 * The item of a labelled list to use: the first item whose label (case-insensitive) comes first in
 * `preferred`; else the first item, its label removed. `preferred` is lower-cased.
 */
export function pickLabelled(items: readonly string[], preferred: readonly string[]): string {
  let best = '';
  let bestRank = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const m = LABELLED.exec(item);
    const value = m ? (m[2] ?? '').trim() : item;
    if (value === '') continue;
    const rank = m ? preferred.indexOf((m[1] ?? '').toLowerCase()) : -1;
    const effective = rank < 0 ? preferred.length : rank;
    if (effective < bestRank) {
      best = value;
      bestRank = effective;
    }
  }
  return best;
}

/** Splits a list cell; items trimmed, empty items dropped. */
export function splitItems(value: string, separator: RegExp): string[] {
  const out: string[] = [];
  for (const part of value.split(separator)) {
    const item = part.trim();
    if (item !== '') out.push(item);
  }
  return out;
}
