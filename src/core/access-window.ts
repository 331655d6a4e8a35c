/**
 * Whether a resident should have access at an instant. PMS dates are calendar dates in the
 * property's time zone: access opens at local midnight of (move-in − lead days) and closes at the
 * end of the local day of (move-out + grace days). Pure: `now` is passed in.
 */
import { DateTime } from 'luxon';
import type { CalendarDate, ResidentRecord } from './resident-record.js';

export interface AccessRules {
  timeZone: string;
  moveInLeadDays: number;
  moveOutGraceDays: number;
}

export type AccessVerdict =
  | { kind: 'granted'; reason: string }
  | { kind: 'denied'; reason: string }
  /** Not decidable from the data (unknown status): the planner changes nothing for this person. */
  | { kind: 'undetermined'; reason: string };

/**
 * Epoch ms of local midnight starting `date` shifted by `days`. Time-zone arithmetic is the costly
 * part of planning a large export, and an export holds only a few thousand distinct dates, so the
 * answers are remembered (a pure function of its arguments; the cache is bounded). Nested maps
 * (zone, then days, then date) rather than one joined key: no string is built per lookup.
 */
const midnights = new Map<string, Map<number, Map<CalendarDate, number>>>();
let cachedMidnights = 0;
const MIDNIGHT_CACHE_LIMIT = 100_000;

function localMidnight(date: CalendarDate, days: number, zone: string): number {
  let byDays = midnights.get(zone);
  if (byDays === undefined) midnights.set(zone, (byDays = new Map()));
  let byDate = byDays.get(days);
  if (byDate === undefined) byDays.set(days, (byDate = new Map()));
  const known = byDate.get(date);
  if (known !== undefined) return known;
  const value = DateTime.fromISO(date, { zone }).plus({ days }).startOf('day').toMillis();
  if (cachedMidnights >= MIDNIGHT_CACHE_LIMIT) {
    midnights.clear();
    cachedMidnights = 0;
    return value;
  }
  byDate.set(date, value);
  cachedMidnights++;
  return value;
}

const DAY_MS = 86_400_000;
/** Every UTC offset in use lies within UTC−12:00 .. UTC+14:00. */
const MAX_BEHIND_UTC_MS = 12 * 3_600_000;
const MAX_AHEAD_OF_UTC_MS = 14 * 3_600_000;

/**
 * Epoch ms of UTC midnight starting `date`, as Date.parse reads it: digit by digit for the usual
 * `YYYY-MM-DD` (a few times faster on a large export), by Date.parse for anything else.
 */
export function utcMidnightOf(date: CalendarDate): number {
  if (date.length === 10 && date.charCodeAt(4) === 0x2d && date.charCodeAt(7) === 0x2d) {
    // No helper closure: this runs for every date of every record.
    let year = 0;
    let month = 0;
    let day = 0;
    let digits = true;
    for (let k = 0; k < 10; k++) {
      if (k === 4 || k === 7) continue;
      const d = date.charCodeAt(k) - 48;
      if (d < 0 || d > 9) digits = false;
      if (k < 4) year = year * 10 + d;
      else if (k < 7) month = month * 10 + d;
      else day = day * 10 + d;
    }
    // Date.UTC reads years below 100 as 19xx; Date.parse refuses months and days out of range.
    if (digits && year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      return Date.UTC(year, month - 1, day);
    }
  }
  return Date.parse(date);
}

/**
 * Whether `nowMs` is before local midnight starting `date` + `days` in `zone`. That midnight lies
 * within 14 hours before to 12 hours after the same calendar midnight in UTC, whatever the zone
 * and its daylight-saving time; most PMS dates (a move-in years ago, a move-out months ahead) are
 * farther than that from now, so the zone is consulted only for dates near now.
 */
function isBeforeLocalMidnight(nowMs: number, date: CalendarDate, days: number, zone: string): boolean {
  const utcMidnight = utcMidnightOf(date) + days * DAY_MS;
  if (nowMs < utcMidnight - MAX_AHEAD_OF_UTC_MS) return true;
  if (nowMs >= utcMidnight + MAX_BEHIND_UTC_MS) return false;
  return nowMs < localMidnight(date, days, zone);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

type AccessInput = Pick<ResidentRecord, 'status' | 'rawStatus' | 'moveIn' | 'moveOut' | 'leaseStart'>;

/** Why a verdict is what it is; the words are put together only when someone reads them. */
type Rule =
  | 'review'
  | 'inactive'
  | 'moved_out'
  | 'past_without_date'
  | 'moves_in'
  | 'future_without_date'
  | 'moves_out'
  | 'resident_since'
  | 'status_only';

const KIND_OF: Record<Rule, AccessVerdict['kind']> = {
  review: 'undetermined',
  inactive: 'denied',
  moved_out: 'denied',
  past_without_date: 'denied',
  moves_in: 'denied',
  future_without_date: 'denied',
  moves_out: 'granted',
  resident_since: 'granted',
  status_only: 'granted',
};

function ruleFor(record: AccessInput, rules: AccessRules, nowMs: number): Rule {
  const zone = rules.timeZone;
  if (record.status === 'review' || record.status === 'eviction') return 'review';
  if (record.status === 'inactive') return 'inactive';
  // The move-out date, not the status, ends access ("Notice" can outlive the move-out).
  if (record.moveOut) {
    if (!isBeforeLocalMidnight(nowMs, record.moveOut, rules.moveOutGraceDays + 1, zone)) return 'moved_out';
  } else if (record.status === 'past') {
    return 'past_without_date';
  }
  const start = record.moveIn ?? record.leaseStart;
  if (start) {
    if (isBeforeLocalMidnight(nowMs, start, -rules.moveInLeadDays, zone)) return 'moves_in';
  } else if (record.status === 'future') {
    return 'future_without_date';
  }
  if (record.moveOut) return 'moves_out';
  return start ? 'resident_since' : 'status_only';
}

function describe(rule: Rule, record: AccessInput, rules: AccessRules): string {
  const start = record.moveIn ?? record.leaseStart;
  switch (rule) {
    case 'review':
      return `status "${record.rawStatus}" needs review: access left as it is`;
    case 'inactive':
      return `status "${record.rawStatus}" never grants access`;
    case 'moved_out': {
      const grace = rules.moveOutGraceDays > 0 ? ` (+${plural(rules.moveOutGraceDays, 'grace day')})` : '';
      return `moved out ${record.moveOut}${grace}`;
    }
    case 'past_without_date':
      return `status "${record.rawStatus}" (past resident)`;
    case 'moves_in': {
      const lead = rules.moveInLeadDays > 0 ? ` (access ${plural(rules.moveInLeadDays, 'day')} before)` : '';
      return `moves in ${start}${lead}`;
    }
    case 'future_without_date':
      return 'future resident with no move-in date';
    case 'moves_out':
      return `${record.status === 'notice' ? 'on notice, moves out' : 'moves out'} ${record.moveOut}`;
    case 'resident_since':
      return `resident since ${start}`;
    case 'status_only':
      return `status "${record.rawStatus}"`;
  }
}

/** Only the verdict's kind: what planning a large export needs for every record, with no text built. */
export function accessKind(record: AccessInput, rules: AccessRules, nowMs: number): AccessVerdict['kind'] {
  return KIND_OF[ruleFor(record, rules, nowMs)];
}

export function accessAt(record: AccessInput, rules: AccessRules, nowMs: number): AccessVerdict {
  const rule = ruleFor(record, rules, nowMs);
  return { kind: KIND_OF[rule], reason: describe(rule, record, rules) } as AccessVerdict;
}
