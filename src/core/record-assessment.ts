/**
 * Every record's access verdict at `now`, judged once per plan: planSync needs the verdicts twice
 * (which emails to look up, then the plan), and judging a large export is a noticeable part of
 * planning. A byte per record rather than an object per record: a large export has hundreds of
 * thousands of them, and objects that live through the whole plan are what the garbage collector
 * pays for.
 */
import { accessKind, type AccessRules } from './access-window.js';
import type { ResidentRecord } from './resident-record.js';

export const GRANTED = 0;
export const DENIED = 1;
export const UNDETERMINED = 2;

export interface Assessment {
  readonly records: readonly ResidentRecord[];
  readonly access: AccessRules;
  readonly now: number;
  /** kinds[i] is the verdict of records[i]: GRANTED, DENIED or UNDETERMINED. */
  readonly kinds: Uint8Array;
  /**
   * Indexes of the records a users search may concern: granted, with an email and no OpenApp
   * user id. On a typical night a small share of the export.
   */
  readonly searchable: readonly number[];
}

export function assessRecords(
  records: readonly ResidentRecord[],
  access: AccessRules,
  now: number,
): Assessment {
  const kinds = new Uint8Array(records.length);
  const searchable: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as ResidentRecord;
    const kind = accessKind(r, access, now);
    kinds[i] = kind === 'granted' ? GRANTED : kind === 'denied' ? DENIED : UNDETERMINED;
    if (kind === 'granted' && !r.openappUserId && r.email) searchable.push(i);
  }
  return { records, access, now, kinds, searchable };
}

/**
 * `given` when it was made from these records, rules and instant; otherwise they are judged
 * afresh (a caller's mistake costs time, never a wrong verdict).
 */
export function assessmentFor(
  records: readonly ResidentRecord[],
  access: AccessRules,
  now: number,
  given: Assessment | undefined,
): Assessment {
  const fits =
    given !== undefined &&
    given.records === records &&
    given.access === access &&
    given.now === now &&
    given.kinds.length === records.length;
  return fits ? given : assessRecords(records, access, now);
}
