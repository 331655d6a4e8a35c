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

/** Epoch ms of local midnight starting `date` shifted by `days`. */
function localMidnight(date: CalendarDate, days: number, zone: string): number {
  return DateTime.fromISO(date, { zone }).plus({ days }).startOf('day').toMillis();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function accessAt(
  record: Pick<ResidentRecord, 'status' | 'rawStatus' | 'moveIn' | 'moveOut' | 'leaseStart'>,
  rules: AccessRules,
  nowMs: number,
): AccessVerdict {
  const zone = rules.timeZone;
  switch (record.status) {
    case 'review':
    case 'eviction':
      return {
        kind: 'undetermined',
        reason: `status "${record.rawStatus}" needs review: access left as it is`,
      };
    case 'inactive':
      return { kind: 'denied', reason: `status "${record.rawStatus}" never grants access` };
    default:
      break;
  }

  // The move-out date, not the status, ends access ("Notice" can outlive the move-out).
  if (record.moveOut) {
    const closes = localMidnight(record.moveOut, rules.moveOutGraceDays + 1, zone);
    if (nowMs >= closes) {
      const grace = rules.moveOutGraceDays > 0 ? ` (+${plural(rules.moveOutGraceDays, 'grace day')})` : '';
      return { kind: 'denied', reason: `moved out ${record.moveOut}${grace}` };
    }
  } else if (record.status === 'past') {
    return { kind: 'denied', reason: `status "${record.rawStatus}" (past resident)` };
  }

  const start = record.moveIn ?? record.leaseStart;
  if (start) {
    const opens = localMidnight(start, -rules.moveInLeadDays, zone);
    if (nowMs < opens) {
      const lead = rules.moveInLeadDays > 0 ? ` (access ${plural(rules.moveInLeadDays, 'day')} before)` : '';
      return { kind: 'denied', reason: `moves in ${start}${lead}` };
    }
  } else if (record.status === 'future') {
    return { kind: 'denied', reason: 'future resident with no move-in date' };
  }

  if (record.moveOut) {
    const what = record.status === 'notice' ? 'on notice, moves out' : 'moves out';
    return { kind: 'granted', reason: `${what} ${record.moveOut}` };
  }
  return { kind: 'granted', reason: start ? `resident since ${start}` : `status "${record.rawStatus}"` };
}
