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
  /** Indexes of the records per integration id, in order: what the planner works through, building by building. */
  readonly byBuilding: ReadonlyMap<string, readonly number[]>;
}

export function assessRecords(
  records: readonly ResidentRecord[],
  access: AccessRules,
  now: number,
): Assessment {
  const assessor = new RecordAssessor(access, now);
  assessor.judge(records);
  return assessor.assessmentOf(records) as Assessment;
}

/**
 * Judges a list of records that grows while it is judged (an export still being read): each call
 * judges the records added since the last one.
 */
export class RecordAssessor {
  private kinds = new Uint8Array(1024);
  private readonly searchable: number[] = [];
  private readonly byBuilding = new Map<string, number[]>();
  /** The building of the last record judged and its list: exports list a building's rows together. */
  private lastId: string | undefined;
  private lastList: number[] = [];
  private judged = 0;
  /** The list as last seen. */
  private records: readonly ResidentRecord[] = [];

  constructor(
    readonly access: AccessRules,
    readonly now: number,
  ) {}

  /** Judges the records of `records` not judged yet; returns how many of them a users search may concern. */
  judge(records: readonly ResidentRecord[]): number {
    if (records.length > this.kinds.length) {
      const grown = new Uint8Array(Math.max(records.length, this.kinds.length * 2));
      grown.set(this.kinds.subarray(0, this.judged));
      this.kinds = grown;
    }
    const before = this.searchable.length;
    for (let i = this.judged; i < records.length; i++) {
      const r = records[i] as ResidentRecord;
      const kind = accessKind(r, this.access, this.now);
      this.kinds[i] = kind === 'granted' ? GRANTED : kind === 'denied' ? DENIED : UNDETERMINED;
      if (kind === 'granted' && !r.openappUserId && r.email) this.searchable.push(i);
      if (r.integrationId !== this.lastId) {
        this.lastId = r.integrationId;
        let list = this.byBuilding.get(r.integrationId);
        if (list === undefined) this.byBuilding.set(r.integrationId, (list = []));
        this.lastList = list;
      }
      this.lastList.push(i);
    }
    this.judged = records.length;
    this.records = records;
    return this.searchable.length - before;
  }

  /** Indexes of the searchable records, in order, from the `from`-th found. */
  searchableFrom(from: number): readonly number[] {
    return this.searchable.slice(from);
  }

  /** The assessment of `records` when it is the list judged, every record of it; else undefined. */
  assessmentOf(records: readonly ResidentRecord[]): Assessment | undefined {
    if (records !== this.records || records.length !== this.judged) return undefined;
    return {
      records,
      access: this.access,
      now: this.now,
      kinds: this.kinds.subarray(0, this.judged),
      searchable: this.searchable,
      byBuilding: this.byBuilding,
    };
  }
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
