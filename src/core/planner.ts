/**
 * The planner: a pure function of (records, OpenApp's actual building users, a directory of
 * accounts by email, the feed's policy, now) -> Plan. No I/O, no clock, no environment, so every
 * rule that protects residents is tested directly with tables.
 */
import type { BuildingUser } from '../openapp/openapp-types.js';
import { accessAt, accessKind, type AccessRules, type AccessVerdict } from './access-window.js';
import type {
  BuildingPlan,
  KeptUser,
  NeededInvite,
  Plan,
  PlannedAdd,
  PlannedRemoval,
  PlanStats,
} from './plan.js';
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
}

export function roleFor(template: string, integrationId: string): string {
  return template.split('{integration_id}').join(integrationId);
}

const normEmail = (e: string | null | undefined) => (e ? e.trim().toLowerCase() : undefined);

interface Judged {
  record: ResidentRecord;
  kind: AccessVerdict['kind'];
  /** The OpenApp user the record stands for, when known (see `resolveUserIds`). */
  userId: string | undefined;
  /** Why, in words: built only for the records a plan shows (see `reasonOf`). */
  reason: string | undefined;
}

/**
 * Lower-cased email -> user id of each building's users (the first user with that email).
 * Remembered per `actual` map: planSync asks for it twice (lookups, then the plan), and building it
 * for a large organisation is a noticeable part of planning.
 */
const emailIndexes = new WeakMap<object, Map<string, Map<string, string>>>();

function buildingEmailIndex(
  actual: ReadonlyMap<string, readonly BuildingUser[]>,
): Map<string, Map<string, string>> {
  const known = emailIndexes.get(actual);
  if (known) return known;
  const index = new Map<string, Map<string, string>>();
  for (const [integrationId, users] of actual) {
    const byEmail = new Map<string, string>();
    for (const u of users) {
      const e = normEmail(u.email);
      if (e && !byEmail.has(e)) byEmail.set(e, u.userId);
    }
    index.set(integrationId, byEmail);
  }
  emailIndexes.set(actual, index);
  return index;
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
): string[] {
  const known = buildingEmailIndex(actual);
  const wanted = new Set<string>();
  for (const r of records) {
    if (r.openappUserId || !r.email) continue;
    if (known.get(r.integrationId)?.has(r.email)) continue;
    if (accessKind(r, access, now) === 'granted') wanted.add(r.email);
  }
  return [...wanted].sort();
}

/** One building's plan before removals and guards: who should have access, and how. */
interface DesiredState {
  integrationId: string;
  role: string;
  here: readonly Judged[];
  actualUsers: readonly BuildingUser[];
  managed: BuildingUser[];
  /**
   * OpenApp user id -> the record that wants them here, or the records when several do (a shared
   * email or two units is one user). One record is by far the common case: no array for it.
   */
  desired: Map<string, Judged | Judged[]>;
  add: PlannedAdd[];
  needsInvite: NeededInvite[];
  unchanged: number;
  review: BuildingPlan['review'];
}

export function plan(input: PlannerInput): Plan {
  const { policy, now } = input;
  const judged: Judged[] = input.records.map((record) => ({
    record,
    kind: accessKind(record, policy.access, now),
    userId: undefined,
    reason: undefined,
  }));
  const why = (j: Judged): string => (j.reason ??= accessAt(j.record, policy.access, now).reason);
  resolveUserIds(judged, input.actual, input.directory);

  const byBuilding = new Map<string, Judged[]>();
  for (const j of judged) push(byBuilding, j.record.integrationId, j);
  const buildingIds = [...new Set([...input.buildings, ...byBuilding.keys()])].sort();

  // Pass 1: who should have access where.
  const states = buildingIds.map((integrationId) =>
    desiredState(integrationId, byBuilding.get(integrationId) ?? [], input, why),
  );

  // A managed user nobody wants is a removal candidate; what the PMS says about them anywhere (by
  // user id or email: a user the PMS lists anywhere is the feed's to manage) decides. Only the
  // candidates are indexed: on a quiet night they are a few hundred among hundreds of thousands.
  const candidateIds = new Set<string>();
  const candidateEmails = new Set<string>();
  for (const state of states) {
    for (const u of state.managed) {
      if (state.desired.has(u.userId)) continue;
      candidateIds.add(u.userId);
      const e = normEmail(u.email);
      if (e) candidateEmails.add(e);
    }
  }
  const byUserId = new Map<string, Judged[]>();
  const byEmail = new Map<string, Judged[]>();
  if (candidateIds.size > 0) {
    for (const j of judged) {
      if (j.userId !== undefined && candidateIds.has(j.userId)) push(byUserId, j.userId, j);
      const e = j.record.email;
      if (e && candidateEmails.has(e)) push(byEmail, e, j);
    }
  }

  const protectedIds = new Set(policy.protectedUserIds);
  const protectedEmails = new Set(policy.protectedEmails.map((e) => e.trim().toLowerCase()));
  const rejectedBy = indexRejected(input.rejected);
  const totalRows = input.stats.records + input.stats.rejected;
  const rejectedPercent = totalRows === 0 ? 0 : (input.rejected.length * 100) / totalRows;

  // Pass 2: removals and guards.
  const buildings = states.map((state): BuildingPlan => {
    const { integrationId, desired } = state;
    const remove: PlannedRemoval[] = [];
    const kept: KeptUser[] = [];
    const unmanaged: KeptUser[] = [];
    for (const user of state.managed) {
      if (desired.has(user.userId)) continue;
      const who = { userId: user.userId, name: user.name ?? null, email: user.email };
      const email = normEmail(user.email);
      const matches = unique([
        ...(byUserId.get(user.userId) ?? []),
        ...(email ? (byEmail.get(email) ?? []) : []),
      ]);
      const keepReason = reasonToKeep(user, matches, integrationId, {
        protectedIds,
        protectedEmails,
        rejectedBy,
        sourceComplete: input.sourceComplete,
        why,
      });
      if (keepReason) {
        kept.push({ ...who, reason: keepReason });
        continue;
      }
      const atThisBuilding = matches.filter((j) => j.record.integrationId === integrationId);
      if (atThisBuilding.length > 0) {
        remove.push({ ...who, reason: unique(atThisBuilding.map((j) => why(j))).join('; ') });
      } else if (matches.length > 0) {
        const elsewhere = matches[0] as Judged;
        remove.push({
          ...who,
          reason: `the PMS lists them only at another building (unit ${elsewhere.record.unit})`,
        });
      } else if (policy.adoptExisting) {
        remove.push({ ...who, reason: 'not in the PMS export' });
      } else {
        unmanaged.push({ ...who, reason: 'not in the PMS export; left alone (adopt_existing is off)' });
      }
    }

    const { always, ifRemoving } = guardVerdict({
      removals: remove.length,
      managed: state.managed.length,
      rowsForBuilding: state.here.length,
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
      review: sortBy(state.review, (r) => String(r.line).padStart(10, '0')),
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

function desiredState(
  integrationId: string,
  here: readonly Judged[],
  input: PlannerInput,
  why: (j: Judged) => string,
): DesiredState {
  const role = roleFor(input.policy.roleTemplate, integrationId);
  const actualUsers = input.actual.get(integrationId) ?? [];
  const managed = actualUsers.filter((u) => u.role === role);
  const managedIds = new Set(managed.map((u) => u.userId));

  const desired = new Map<string, Judged | Judged[]>();
  const invites = new Map<string, Judged[]>();
  const review: BuildingPlan['review'] = [];
  for (const j of here) {
    if (j.kind === 'undetermined') {
      review.push({
        key: j.record.key,
        line: j.record.line,
        name: j.record.name,
        unit: j.record.unit,
        reason: why(j),
      });
      continue;
    }
    if (j.kind !== 'granted') continue;
    if (j.userId) {
      const before = desired.get(j.userId);
      if (before === undefined) desired.set(j.userId, j);
      else if (Array.isArray(before)) before.push(j);
      else desired.set(j.userId, [before, j]);
    } else if (j.record.email || j.record.phone)
      push(invites, (j.record.email ?? j.record.phone) as string, j);
  }

  const add: PlannedAdd[] = [];
  let unchanged = 0;
  for (const [userId, wanted] of desired) {
    if (managedIds.has(userId)) {
      unchanged++;
      continue;
    }
    const js = Array.isArray(wanted) ? wanted : [wanted];
    const first = js[0] as Judged;
    add.push({
      userId,
      name: first.record.name,
      email: first.record.email ?? actualUsers.find((u) => u.userId === userId)?.email ?? null,
      keys: js.map((j) => j.record.key),
      units: unique(js.map((j) => j.record.unit)),
      reason: unique(js.map((j) => why(j))).join('; '),
    });
  }

  const needsInvite: NeededInvite[] = [...invites.values()].map((js) => {
    const first = js[0] as Judged;
    return {
      email: first.record.email ?? null,
      phone: first.record.phone ?? null,
      name: first.record.name,
      keys: js.map((j) => j.record.key),
      units: unique(js.map((j) => j.record.unit)),
      reason: `no OpenApp account for this ${first.record.email ? 'email' : 'phone'}; ${why(first)}`,
    };
  });
  return { integrationId, role, here, actualUsers, managed, desired, add, needsInvite, unchanged, review };
}

/**
 * The OpenApp user each record stands for: the user id the PMS carries, else the building user
 * with that email, else the one account a users search found for it.
 */
function resolveUserIds(
  judged: readonly Judged[],
  actual: ReadonlyMap<string, readonly BuildingUser[]>,
  directory: ReadonlyMap<string, readonly string[]>,
): void {
  const byBuildingEmail = buildingEmailIndex(actual);
  for (const j of judged) {
    const r = j.record;
    j.userId =
      r.openappUserId ??
      (r.email
        ? (byBuildingEmail.get(r.integrationId)?.get(r.email) ?? soleAccount(directory.get(r.email)))
        : undefined);
  }
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
  matches: readonly Judged[],
  integrationId: string,
  ctx: {
    why: (j: Judged) => string;
    protectedIds: Set<string>;
    protectedEmails: Set<string>;
    rejectedBy: RejectedIndex;
    sourceComplete: boolean;
  },
): string | undefined {
  const email = normEmail(user.email);
  if (ctx.protectedIds.has(user.userId) || (email && ctx.protectedEmails.has(email)))
    return 'on the protected list';
  if (!ctx.sourceComplete) return 'the source was not read to the end: nobody is removed';
  const rejectedLine =
    ctx.rejectedBy.userIds.get(user.userId) ?? (email ? ctx.rejectedBy.emails.get(email) : undefined);
  if (rejectedLine !== undefined)
    return `their row (line ${rejectedLine}) was rejected: fix it and sync again`;
  const inReview = matches.find((j) => j.record.integrationId === integrationId && j.kind === 'undetermined');
  if (inReview) return ctx.why(inReview);
  // Their email belongs to a current resident whose record names another OpenApp account:
  // a duplicate account is an operator's call, not a reason to lock a resident out.
  const granted = matches.find((j) => j.record.integrationId === integrationId && j.kind === 'granted');
  if (granted)
    return `the PMS lists this email as a resident (line ${granted.record.line}) under another OpenApp user`;
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
