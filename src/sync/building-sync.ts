/**
 * One building of a run, end to end: plan from the run's snapshot, store the plan, apply it with
 * every operation journaled, and record the outcome. Called again for the same run and building
 * (a retry, or a worker that died), it resumes: an applying plan is never planned afresh.
 */
import type { Redis } from 'ioredis';
import type { Feed } from '../feeds/load-feeds.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import { CheckpointStore } from '../queue/checkpoint-store.js';
import type { BuildingRun } from '../queue/run-record.js';
import type { RunStore } from '../queue/run-store.js';
import { loadBuildingSnapshot } from '../queue/snapshot-store.js';
import { applyPlan, type ApplyReport } from './apply-plan.js';
import { buildingFingerprint } from './building-fingerprint.js';
import { feedPolicyFromMapping, planSync } from './plan-sync.js';
import { sendInvitations, type InvitationOutcome } from './send-invitations.js';
import { InvitationLedgerStore } from '../queue/invitation-ledger-store.js';
import { PersonLinkStore } from '../queue/person-link-store.js';
import type { Plan } from '../core/plan.js';
import { recordKey } from '../core/record-key.js';

export interface BuildingSyncDeps {
  redis: Redis;
  prefix: string;
  runs: RunStore;
  client: OpenAppClient;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface BuildingSyncInput {
  feed: Feed;
  runId: string;
  integrationId: string;
  /**
   * `sync`: plan and apply; `approve`: apply a held plan as it was stored, held removals included;
   * `apply-dry-run`: apply a dry run's plan as it was stored, its guards still holding removals.
   */
  mode: 'sync' | 'approve' | 'apply-dry-run';
  dryRun: boolean;
  now: number;
  /** On the last attempt a failure is final; before it, failures that may pass are retried. */
  finalAttempt: boolean;
}

/** Some operations failed in a way that may pass: the job is retried and resumes from its journal. */
export class ApplyIncompleteError extends Error {
  override readonly name = 'ApplyIncompleteError';
  constructor(
    message: string,
    /** The longest Retry-After OpenApp asked for, when it throttled us. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** The held plan cannot be applied as shown: OpenApp changed since it was made. */
export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
}

/** Settled states: a redelivered job for them changes nothing. */
const SETTLED = new Set(['planned', 'applied', 'partial', 'failed', 'rejected']);

export async function syncBuilding(input: BuildingSyncInput, deps: BuildingSyncDeps): Promise<BuildingRun> {
  const { runId, integrationId } = input;
  const run = await deps.runs.require(runId);
  const current = run.buildings[integrationId];
  const callOptions = { correlationId: runId, ...(deps.signal ? { signal: deps.signal } : {}) };

  if (input.mode === 'approve') return approve(input, current, deps);
  if (input.mode === 'apply-dry-run') return applyDryRunPlan(input, current, deps);
  if (current && SETTLED.has(current.status)) return current;
  if (current?.status === 'held') return current; // waits for an operator
  if (current?.status === 'applying' && current.plan) return apply(input, current, deps, false);

  await deps.runs.updateBuilding(runId, integrationId, { status: 'planning' });
  const snapshot = await loadBuildingSnapshot(deps.redis, deps.prefix, runId, integrationId);
  if (!snapshot) throw new Error(`run ${runId} has no source snapshot for ${integrationId} (expired?)`);
  let fingerprint = '';
  // Residents who accepted an invitation are known by their OpenApp account, whatever email the PMS has now.
  const links = await new PersonLinkStore(deps.redis, deps.prefix).all(integrationId);
  const linked = snapshot.records.map((r) => {
    const userId = r.openappUserId ? undefined : links.get(recordKey(r));
    return userId ? { ...r, openappUserId: userId } : r;
  });
  const plan = await planSync({
    snapshot: { ...snapshot, records: linked },
    buildings: [integrationId],
    policy: feedPolicyFromMapping(input.feed.mapping, input.feed.config.guards),
    client: deps.client,
    now: input.now,
    ...callOptions,
    ...(run.holdReasons && run.holdReasons.length > 0 ? { extraHoldReasons: run.holdReasons } : {}),
    onActual: (actual) => (fingerprint = buildingFingerprint(actual.get(integrationId) ?? [])),
  });
  const planned = await deps.runs.updateBuilding(runId, integrationId, {
    status: input.dryRun ? 'planned' : 'applying',
    plan,
    fingerprint,
  });
  if (input.dryRun) return planned;
  return apply(input, planned, deps, false);
}

async function approve(
  input: BuildingSyncInput,
  current: BuildingRun | undefined,
  deps: BuildingSyncDeps,
): Promise<BuildingRun> {
  if (!current?.plan) throw new StalePlanError(`run ${input.runId} has no plan for ${input.integrationId}`);
  if (current.status === 'held') {
    await refuseIfChanged(input, current, deps);
    current = await deps.runs.updateBuilding(input.runId, input.integrationId, { status: 'applying' });
    return apply(input, current, deps, true);
  }
  if (current.status === 'applying') return apply(input, current, deps, true); // resuming an approval
  return current;
}

async function applyDryRunPlan(
  input: BuildingSyncInput,
  current: BuildingRun | undefined,
  deps: BuildingSyncDeps,
): Promise<BuildingRun> {
  if (!current?.plan) throw new StalePlanError(`run ${input.runId} has no plan for ${input.integrationId}`);
  if (current.status === 'planned') {
    await refuseIfChanged(input, current, deps);
    // From here on the run changes OpenApp: it is no longer a dry run (and its plan feeds invitation rounds).
    await deps.runs.updateMeta(input.runId, { dryRun: false });
    current = await deps.runs.updateBuilding(input.runId, input.integrationId, { status: 'applying' });
  }
  if (current.status === 'applying') return apply(input, current, deps, false); // also a resumed apply
  return current;
}

/** Approval applies exactly what was shown: not once OpenApp's users of the building changed. */
async function refuseIfChanged(input: BuildingSyncInput, current: BuildingRun, deps: BuildingSyncDeps) {
  const users = await deps.client.listBuildingUsers(input.integrationId, { correlationId: input.runId });
  if (buildingFingerprint(users) !== current.fingerprint) {
    throw new StalePlanError(
      `OpenApp's users of ${input.integrationId} changed since run ${input.runId} was planned; trigger a fresh plan instead`,
    );
  }
}

async function apply(
  input: BuildingSyncInput,
  building: BuildingRun,
  deps: BuildingSyncDeps,
  allowHeld: boolean,
): Promise<BuildingRun> {
  const plan = building.plan;
  if (!plan) throw new Error('unreachable: apply without a plan');
  // A held plan waits for an operator even when it holds back no removal (a source cut short).
  const heldForOperator = !allowHeld && plan.buildings.some((b) => b.held);
  const journal = new CheckpointStore(deps.redis, deps.prefix, input.runId, input.integrationId);
  const report: ApplyReport = await applyPlan(plan, deps.client, {
    allowHeld,
    journal,
    correlationId: input.runId,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onProgress: (done, total) => deps.onProgress?.(done, total),
  });
  const retryable = report.results.filter((r) => r.outcome === 'failed' && r.retryable);
  if (retryable.length > 0 && !input.finalAttempt) {
    await deps.runs.updateBuilding(input.runId, input.integrationId, { results: report.results });
    const waits = retryable.map((r) => r.retryAfterMs ?? 0);
    throw new ApplyIncompleteError(
      `${retryable.length} operations failed and will be retried: ${retryable[0]?.error ?? ''}`,
      Math.max(...waits) > 0 ? Math.max(...waits) : undefined,
    );
  }
  const status =
    report.status === 'failed'
      ? 'failed'
      : report.status === 'partial'
        ? 'partial'
        : heldForOperator
          ? 'held'
          : 'applied';
  // What an approval will be checked against: OpenApp as this apply left it (its adds included).
  const fingerprint =
    status === 'held'
      ? buildingFingerprint(
          await deps.client.listBuildingUsers(input.integrationId, { correlationId: input.runId }),
        )
      : building.fingerprint;
  // An approval follows a sync that already did the invitations; a dry run did none.
  const invitations = input.mode !== 'approve' ? await inviteStep(input, plan, deps) : undefined;
  return deps.runs.updateBuilding(input.runId, input.integrationId, {
    status,
    results: report.results,
    ...(fingerprint ? { fingerprint } : {}),
    ...(invitations ? { invitations } : {}),
  });
}

/** Invitations follow the access changes; a failure here is reported, never fails the building. */
async function inviteStep(
  input: BuildingSyncInput,
  plan: Plan,
  deps: BuildingSyncDeps,
): Promise<InvitationOutcome> {
  try {
    const snapshot = await loadBuildingSnapshot(deps.redis, deps.prefix, input.runId, input.integrationId);
    return await sendInvitations({
      plan,
      integrationId: input.integrationId,
      records: snapshot?.records ?? [],
      policy: feedPolicyFromMapping(input.feed.mapping, input.feed.config.guards),
      invitations: input.feed.config.invitations,
      client: deps.client,
      ledger: new InvitationLedgerStore(deps.redis, deps.prefix),
      links: new PersonLinkStore(deps.redis, deps.prefix),
      now: input.now,
      correlationId: input.runId,
    });
  } catch (err) {
    return {
      invited: 0,
      resent: 0,
      cancelled: 0,
      waiting: 0,
      failed: [{ contact: '*', error: (err as Error).message }],
    };
  }
}
