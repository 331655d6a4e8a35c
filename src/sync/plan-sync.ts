/**
 * Everything around the pure planner that needs OpenApp: read each building's users, look up
 * accounts for residents who are not in their building yet, then plan.
 */
import type { Plan } from '../core/plan.js';
import { emailsToLookUp, plan, type FeedPolicy } from '../core/planner.js';
import { assessmentFor } from '../core/record-assessment.js';
import type { EarlyLookups } from './lookups-ahead.js';
import type { SourceSnapshot } from './source-snapshot.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { BuildingUser } from '../openapp/openapp-types.js';

/** A feed's overrides of the mapping's guard limits. */
export interface GuardOverrides {
  max_removals?: number | undefined;
  max_removal_percent?: number | undefined;
  max_rejected_percent?: number | undefined;
}

export function feedPolicyFromMapping(mapping: Mapping, overrides: GuardOverrides = {}): FeedPolicy {
  const guards = { ...mapping.policy.guards };
  for (const [k, v] of Object.entries(overrides) as [keyof GuardOverrides, number | undefined][]) {
    if (v !== undefined && k in guards) guards[k] = v;
  }
  return {
    access: {
      timeZone: mapping.access.time_zone,
      moveInLeadDays: mapping.access.move_in_lead_days,
      moveOutGraceDays: mapping.access.move_out_grace_days,
    },
    roleTemplate: mapping.access.role_template,
    adoptExisting: mapping.policy.adopt_existing,
    protectedUserIds: mapping.policy.protected.user_ids,
    protectedEmails: mapping.policy.protected.emails,
    guards: {
      maxRemovals: guards.max_removals,
      maxRemovalPercent: guards.max_removal_percent,
      maxRejectedPercent: guards.max_rejected_percent,
    },
  };
}

/** The buildings a mapping covers: its table, plus any integration the records name. */
export function buildingsOf(mapping: Mapping, snapshot: SourceSnapshot): string[] {
  const ids = new Set(mapping.buildings.table.map((r) => r.integration_id));
  for (const r of snapshot.records) ids.add(r.integrationId);
  return [...ids].sort();
}

/** Every building's users from OpenApp, read in parallel (the client bounds the concurrency). */
export async function listBuildings(
  client: OpenAppClient,
  buildings: readonly string[],
  callOptions: { signal?: AbortSignal; correlationId?: string } = {},
): Promise<Map<string, BuildingUser[]>> {
  const lists = await Promise.all(buildings.map((id) => client.listBuildingUsers(id, callOptions)));
  return new Map(buildings.map((id, i) => [id, lists[i] ?? []]));
}

export interface PlanSyncInput {
  snapshot: SourceSnapshot;
  buildings: readonly string[];
  policy: FeedPolicy;
  client: OpenAppClient;
  now: number;
  signal?: AbortSignal;
  correlationId?: string;
  extraHoldReasons?: readonly string[];
  /** OpenApp's users per building when already read (e.g. while the source streamed in). */
  actual?: ReadonlyMap<string, readonly BuildingUser[]>;
  /** Sees OpenApp's users per building exactly as planned from (e.g. to fingerprint them). */
  onActual?: (actual: ReadonlyMap<string, readonly BuildingUser[]>) => void;
  /** Verdicts and users searches already made while the source was read (see lookups-ahead.ts). */
  lookups?: EarlyLookups;
}

export async function planSync(input: PlanSyncInput): Promise<Plan> {
  const callOptions = {
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.correlationId ? { correlationId: input.correlationId } : {}),
  };
  const known = input.actual;
  const missing = input.buildings.filter((id) => !known?.has(id));
  // The same map when nothing is missing: what was worked out from it (its email index) holds.
  let actual: ReadonlyMap<string, readonly BuildingUser[]> = known ?? new Map();
  if (missing.length > 0) {
    const all = new Map(known ?? []);
    for (const [id, users] of await listBuildings(input.client, missing, callOptions)) all.set(id, users);
    actual = all;
  }
  input.onActual?.(actual);

  const { records } = input.snapshot;
  const { access } = input.policy;
  const assessment = assessmentFor(records, access, input.now, input.lookups?.assessment);
  // What the read already worked out, when it worked from these records and OpenApp users.
  const needed = input.lookups?.needed;
  const early =
    needed && needed.actual === actual && input.lookups?.assessment === assessment ? needed : undefined;
  const emails = early?.emails ?? emailsToLookUp(records, actual, access, input.now, assessment);
  const searched = input.lookups?.directory ?? new Map<string, readonly string[]>();
  const found = await Promise.all(
    emails.map(
      async (e) => searched.get(e) ?? (await input.client.findUsersByEmail(e, callOptions)).map((u) => u.id),
    ),
  );
  const directory = new Map(emails.map((e, i) => [e, found[i] ?? []]));

  return plan({
    records,
    assessment,
    ...(early ? { buildingMatches: { assessment, actual, userIds: early.buildingMatches } } : {}),
    rejected: input.snapshot.rejected,
    stats: input.snapshot.stats,
    sourceComplete: input.snapshot.complete,
    ...(input.snapshot.problem ? { sourceProblem: input.snapshot.problem } : {}),
    buildings: input.buildings,
    actual,
    directory,
    policy: input.policy,
    now: input.now,
    ...(input.extraHoldReasons ? { extraHoldReasons: input.extraHoldReasons } : {}),
  });
}
