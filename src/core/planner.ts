/**
 * The planner: a pure function of (records, OpenApp's actual building users, a directory of
 * accounts by email, the feed's policy, now) -> Plan. No I/O, no clock, no environment, so every
 * rule that protects residents is tested directly with tables.
 */
import type { BuildingUser } from '../openapp/openapp-types.js';
import { buildingEmailIndex, normEmail } from './building-email-index.js';
import { accessAt, type AccessRules } from './access-window.js';
import type {
  BuildingPlan,
  KeptUser,
  NeededInvite,
  Plan,
  PlannedAdd,
  PlannedRemoval,
  PlanStats,
} from './plan.js';
import { recordKey } from './record-key.js';
import { assessmentFor, GRANTED, UNDETERMINED, type Assessment } from './record-assessment.js';
import type { RejectedRow, ResidentRecord } from './resident-record.js';

export interface FeedPolicy {
  access: AccessRules;
  /** `{integration_id}` is replaced by the building's integration id. */
  roleTemplate: string;
  adoptExisting: boolean;
  protectedUserIds: readonly string[];
  protectedEmails: readonly string[];
  guards: { maxRemovals: number; maxRemovalPercent: number; maxRejectedPercent: number };
}

export interface PlannerInput {
  records: readonly ResidentRecord[];
  rejected: readonly RejectedRow[];
  stats: PlanStats;
  sourceComplete: boolean;
  sourceProblem?: string;
  /** Every building the feed covers, planned even when the source has no rows for it. */
  buildings: readonly string[];
  /** OpenApp's users per building (every role); a building missing here is treated as empty. */
  actual: ReadonlyMap<string, readonly BuildingUser[]>;
  /** Lower-cased email -> OpenApp user ids, from a users search, for residents not yet in their building. */
  directory: ReadonlyMap<string, readonly string[]>;
  policy: FeedPolicy;
  now: number;
  /** Reasons from outside this source that hold every building (a source far smaller than the last good run). */
  extraHoldReasons?: readonly string[];
  /** The records' verdicts when already judged (`assessRecords`); used only if made from these records, rules and `now`. */
  assessment?: Assessment;
  /**
   * For each record of `assessment.searchable` (granted, an email, no OpenApp user id): the user of
   * its building with that email, or undefined for none, as already looked up (lookups-ahead.ts).
   * Used only when made with the assessment this plan uses and with this very `actual` map.
   */
  buildingMatches?: {
    assessment: Assessment;
    actual: ReadonlyMap<string, readonly BuildingUser[]>;
    userIds: readonly (string | undefined)[];
  };
}

export function roleFor(template: string, integrationId: string): string {
  return template.split('{integration_id}').join(integrationId);
}

/**
 * Emails that need a users search before planning: residents who should have access, carry no
 * OpenApp user id, and whose email is not among their building's users.
 */
export function emailsToLookUp(
  records: readonly ResidentRecord[],
  actual: ReadonlyMap<string, readonly BuildingUser[]>,
  access: AccessRules,
  now: number,
  assessment?: Assessment,
): string[] {
  const { searchable } = assessmentFor(records, access, now, assessment);
  const known = buildingEmailIndex(actual);
  const wanted = new Set<string>();
  for (const i of searchable) {
    const r = records[i] as ResidentRecord;
    if (!known.get(r.integrationId)?.has(r.email as string)) wanted.add(r.email as string);
  }
  return [...wanted].sort();
}

/**
 * What planning knows about every record, by its index in `records`: arrays rather than an
 * object per record (see record-assessment.ts).
 */
interface Judgement {
  records: readonly ResidentRecord[];
  kinds: Uint8Array;
  /** The OpenApp user each record stands for, when known (filled building by building in pass 1). */
  userIds: (string | undefined)[];
  /** PlannerInput.buildingMatches' user ids, when they may be used. */
  matches: readonly (string | undefined)[] | undefined;
  /** 1 at the first record that wants a user here who already holds the role (unchanged, not an add). */
  holding: Uint8Array;
  /** Why, in words: built only for the records a plan shows. */
  why: (i: number) => string;
}

/** One building's plan before removals and guards: who should have access, and how. */
interface DesiredState {
  integrationId: string;
  role: string;
  /** Records for this building. */
  rows: number;
  /** Users holding the feed's role here. */
  managed: number;
  /** Managed users no record wants here: each is removed, kept or left alone in pass 2. */
  candidates: BuildingUser[];
  add: PlannedAdd[];
  needsInvite: NeededInvite[];
  unchanged: number;
  review: BuildingPlan['review'];
}

export function plan(input: PlannerInput): Plan {
  const { policy, now, records } = input;
  const assessment = assessmentFor(records, policy.access, now, input.assessment);
  const { kinds } = assessment;
  const given = input.buildingMatches;
  const matches =
    given !== undefined && given.assessment === assessment && given.actual === input.actual
      ? given.userIds
      : undefined;
  const reasons = new Map<number, string>();
  const why = (i: number): string => {
    let reason = reasons.get(i);
    if (reason === undefined) {
      reason = accessAt(records[i] as ResidentRecord, policy.access, now).reason;
      reasons.set(i, reason);
    }
    return reason;
  };

  const { byBuilding } = assessment;
  const judgement: Judgement = {
    records,
    kinds,
    userIds: new Array<string | undefined>(records.length).fill(undefined),
    holding: new Uint8Array(records.length),
    matches,
    why,
  };
  const buildingIds = [...new Set([...input.buildings, ...byBuilding.keys()])].sort();

  // Pass 1: who should have access where.
  const emailIndex = buildingEmailIndex(input.actual);
  const states = buildingIds.map((integrationId) =>
    desiredState(integrationId, byBuilding.get(integrationId) ?? [], emailIndex, input, judgement),
  );

  // A managed user nobody wants is a removal candidate; what the PMS says about them anywhere (by
  // user id or email: a user the PMS lists anywhere is the feed's to manage) decides. Only the
  // candidates are indexed: on a quiet night they are a few hundred among hundreds of thousands.
  const candidateIds = new Set<string>();
  const candidateEmails = new Set<string>();
  for (const state of states) {
    for (const u of state.candidates) {
      candidateIds.add(u.userId);
      const e = normEmail(u.email);
      if (e) candidateEmails.add(e);
    }
  }
  const byUserId = new Map<string, number[]>();
  const byEmail = new Map<string, number[]>();
  if (candidateIds.size > 0) {
    const { userIds } = judgement;
    for (let i = 0; i < records.length; i++) {
      const userId = userIds[i];
      if (userId !== undefined && candidateIds.has(userId)) push(byUserId, userId, i);
      const e = (records[i] as ResidentRecord).email;
      if (e && candidateEmails.has(e)) push(byEmail, e, i);
    }
  }

  const protectedIds = new Set(policy.protectedUserIds);
  const protectedEmails = new Set(policy.protectedEmails.map((e) => e.trim().toLowerCase()));
  const rejectedBy = indexRejected(input.rejected);
  const totalRows = input.stats.records + input.stats.rejected;
  const rejectedPercent = totalRows === 0 ? 0 : (input.rejected.length * 100) / totalRows;

  // Pass 2: removals and guards.
  const buildings = states.map((state): BuildingPlan => {
    const { integrationId } = state;
    const remove: PlannedRemoval[] = [];
    const kept: KeptUser[] = [];
    const unmanaged: KeptUser[] = [];
    const isHere = (i: number) => (records[i] as ResidentRecord).integrationId === integrationId;
    for (const user of state.candidates) {
      const who = { userId: user.userId, name: user.name ?? null, email: user.email };
      const email = normEmail(user.email);
      const matches = unique([
        ...(byUserId.get(user.userId) ?? []),
        ...(email ? (byEmail.get(email) ?? []) : []),
      ]);
      const keepReason = reasonToKeep(user, matches, isHere, judgement, {
        protectedIds,
        protectedEmails,
        rejectedBy,
        sourceComplete: input.sourceComplete,
      });
      if (keepReason) {
        kept.push({ ...who, reason: keepReason });
        continue;
      }
      const atThisBuilding = matches.filter(isHere);
      if (atThisBuilding.length > 0) {
        remove.push({ ...who, reason: unique(atThisBuilding.map(why)).join('; ') });
      } else if (matches.length > 0) {
        const elsewhere = records[matches[0] as number] as ResidentRecord;
        remove.push({
          ...who,
          reason: `the PMS lists them only at another building (unit ${elsewhere.unit})`,
        });
      } else if (policy.adoptExisting) {
        remove.push({ ...who, reason: 'not in the PMS export' });
      } else {
        unmanaged.push({ ...who, reason: 'not in the PMS export; left alone (adopt_existing is off)' });
      }
    }

    const { always, ifRemoving } = guardVerdict({
      removals: remove.length,
      managed: state.managed,
      rowsForBuilding: state.rows,
      rejectedPercent,
      rejected: input.rejected.length,
      totalRows,
      guards: policy.guards,
      sourceComplete: input.sourceComplete,
      sourceProblem: input.sourceProblem,
    });
    const holdReasons = [
      ...always,
      ...(input.extraHoldReasons ?? []),
      ...(remove.length > 0 ? ifRemoving : []),
    ];
    return {
      integrationId,
      role: state.role,
      add: sortBy(state.add, (a) => `${a.name}\u0000${a.userId}`),
      remove: sortBy(remove, (r) => `${r.name ?? ''}\u0000${r.userId}`),
      needsInvite: sortBy(state.needsInvite, (n) => `${n.name}\u0000${n.email ?? n.phone}`),
      unchanged: state.unchanged,
      kept: sortBy(kept, (k) => `${k.name ?? ''}\u0000${k.userId}`),
      unmanaged: sortBy(unmanaged, (k) => `${k.name ?? ''}\u0000${k.userId}`),
      review: state.review.sort((a, b) => a.line - b.line),
      held: holdReasons.length > 0,
      holdReasons,
    };
  });

  return {
    at: new Date(now).toISOString(),
    buildings,
    rejected: [...input.rejected],
    stats: input.stats,
    sourceComplete: input.sourceComplete,
    ...(input.sourceProblem ? { sourceProblem: input.sourceProblem } : {}),
  };
}

/**
 * One building's records and users, in one pass over each (the records of a large export are the
 * expensive part to touch): the OpenApp user each record stands for (the user id the PMS carries,
 * else the building user with that email, else the one account a users search found), who should
 * have access and how, and the managed users nobody wants.
 */
function desiredState(
  integrationId: string,
  here: readonly number[],
  emailIndex: ReadonlyMap<string, ReadonlyMap<string, string>>,
  input: PlannerInput,
  judgement: Judgement,
): DesiredState {
  const { records, kinds, userIds, holding, matches, why } = judgement;
  const { directory } = input;
  const byEmail = emailIndex.get(integrationId);
  const role = roleFor(input.policy.roleTemplate, integrationId);
  const actualUsers = input.actual.get(integrationId) ?? [];

  /**
   * OpenApp user id -> the record that wants them here, or the records when several do (a shared
   * email or two units is one user; one record is by far the common case: no array for it).
   */
  const desired = new Map<string, number | number[]>();
  const invites = new Map<string, number[]>();
  const review: BuildingPlan['review'] = [];
  for (const i of here) {
    const r = records[i] as ResidentRecord;
    const kind = kinds[i];
    let userId = r.openappUserId;
    if (userId === undefined && r.email) {
      // A granted record with an email and no user id was matched while the export was read.
      const inBuilding = matches !== undefined && kind === GRANTED ? matches[i] : byEmail?.get(r.email);
      userId = inBuilding ?? soleAccount(directory.get(r.email));
    }
    userIds[i] = userId;
    if (kind === UNDETERMINED) {
      review.push({ key: recordKey(r), line: r.line, name: r.name, unit: r.unit, reason: why(i) });
      continue;
    }
    if (kind !== GRANTED) continue;
    if (userId) {
      const before = desired.get(userId);
      if (before === undefined) desired.set(userId, i);
      else if (Array.isArray(before)) before.push(i);
      else desired.set(userId, [before, i]);
    } else {
      const contact = r.email ?? r.phone;
      if (contact) push(invites, contact, i);
    }
  }

  let managed = 0;
  let unchanged = 0;
  const candidates: BuildingUser[] = [];
  for (const u of actualUsers) {
    if (u.role !== role) continue;
    managed++;
    const wanted = desired.get(u.userId);
    if (wanted === undefined) {
      candidates.push(u);
      continue;
    }
    const first = typeof wanted === 'number' ? wanted : (wanted[0] as number);
    if (holding[first] === 0) {
      holding[first] = 1;
      unchanged++;
    }
  }

  const add: PlannedAdd[] = [];
  // forEach, not for...of: no [key, value] pair per entry, and a building wants thousands of users.
  desired.forEach((wanted, userId) => {
    if (holding[typeof wanted === 'number' ? wanted : (wanted[0] as number)] === 1) return;
    const indexes = Array.isArray(wanted) ? wanted : [wanted];
    const wanting = indexes.map((i) => records[i] as ResidentRecord);
    const first = wanting[0] as ResidentRecord;
    add.push({
      userId,
      name: first.name,
      email: first.email ?? actualUsers.find((u) => u.userId === userId)?.email ?? null,
      keys: wanting.map(recordKey),
      units: unique(wanting.map((r) => r.unit)),
      reason: unique(indexes.map(why)).join('; '),
    });
  });

  const needsInvite: NeededInvite[] = [...invites.values()].map((indexes) => {
    const wanting = indexes.map((i) => records[i] as ResidentRecord);
    const first = wanting[0] as ResidentRecord;
    return {
      email: first.email ?? null,
      phone: first.phone ?? null,
      name: first.name,
      keys: wanting.map(recordKey),
      units: unique(wanting.map((r) => r.unit)),
      reason: `no OpenApp account for this ${first.email ? 'email' : 'phone'}; ${why(indexes[0] as number)}`,
    };
  });
  return {
    integrationId,
    role,
    rows: here.length,
    managed,
    candidates,
    add,
    needsInvite,
    unchanged,
    review,
  };
}

/** Several accounts on one email cannot be told apart: better an invitation than the wrong person. */
function soleAccount(ids: readonly string[] | undefined): string | undefined {
  return ids && ids.length === 1 ? ids[0] : undefined;
}

interface RejectedIndex {
  emails: Map<string, number>;
  userIds: Map<string, number>;
}

function indexRejected(rejected: readonly RejectedRow[]): RejectedIndex {
  const emails = new Map<string, number>();
  const userIds = new Map<string, number>();
  for (const row of rejected) {
    const e = normEmail(row.identifies?.email);
    if (e) emails.set(e, row.line);
    if (row.identifies?.openappUserId) userIds.set(row.identifies.openappUserId, row.line);
  }
  return { emails, userIds };
}

function reasonToKeep(
  user: BuildingUser,
  matches: readonly number[],
  isHere: (i: number) => boolean,
  judgement: Judgement,
  ctx: {
    protectedIds: Set<string>;
    protectedEmails: Set<string>;
    rejectedBy: RejectedIndex;
    sourceComplete: boolean;
  },
): string | undefined {
  const { records, kinds, why } = judgement;
  const email = normEmail(user.email);
  if (ctx.protectedIds.has(user.userId) || (email && ctx.protectedEmails.has(email)))
    return 'on the protected list';
  if (!ctx.sourceComplete) return 'the source was not read to the end: nobody is removed';
  const rejectedLine =
    ctx.rejectedBy.userIds.get(user.userId) ?? (email ? ctx.rejectedBy.emails.get(email) : undefined);
  if (rejectedLine !== undefined)
    return `their row (line ${rejectedLine}) was rejected: fix it and sync again`;
  const inReview = matches.find((i) => isHere(i) && kinds[i] === UNDETERMINED);
  if (inReview !== undefined) return why(inReview);
  // Their email belongs to a current resident whose record names another OpenApp account:
  // a duplicate account is an operator's call, not a reason to lock a resident out.
  const granted = matches.find((i) => isHere(i) && kinds[i] === GRANTED);
  if (granted !== undefined)
    return `the PMS lists this email as a resident (line ${(records[granted] as ResidentRecord).line}) under another OpenApp user`;
  return undefined;
}

function guardVerdict(input: {
  removals: number;
  managed: number;
  rowsForBuilding: number;
  rejectedPercent: number;
  rejected: number;
  totalRows: number;
  guards: FeedPolicy['guards'];
  sourceComplete: boolean;
  sourceProblem: string | undefined;
}): { always: string[]; ifRemoving: string[] } {
  const { guards } = input;
  // A source that is cut short or says nothing about a building is suspect in itself: an operator
  // looks at it even when nothing would be removed.
  const always: string[] = [];
  if (!input.sourceComplete) {
    always.push(
      `the source was not read to the end (${input.sourceProblem ?? 'read failed'}); nobody is removed`,
    );
  }
  if (input.rowsForBuilding === 0 && input.managed > 0) {
    always.push(`the source has no rows for this building, which has ${input.managed} managed users`);
  }
  // The rest guard removals: they hold a plan only when it removes someone.
  const reasons: string[] = [];
  if (input.removals > guards.maxRemovals) {
    reasons.push(`${input.removals} removals exceed the limit of ${guards.maxRemovals}`);
  }
  // One removal is never a "mass" removal, however small the building.
  const percent = input.managed === 0 ? 0 : (input.removals * 100) / input.managed;
  if (input.removals > 1 && percent > guards.maxRemovalPercent) {
    reasons.push(
      `${input.removals} of ${input.managed} residents (${Math.round(percent)}%) would be removed, above the limit of ${guards.maxRemovalPercent}%`,
    );
  }
  if (input.rejectedPercent > guards.maxRejectedPercent) {
    reasons.push(
      `${input.rejected} of ${input.totalRows} rows (${Math.round(input.rejectedPercent)}%) were rejected, above the limit of ${guards.maxRejectedPercent}%`,
    );
  }
  return { always, ifRemoving: reasons };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function sortBy<T>(values: T[], key: (v: T) => string): T[] {
  return values.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
