/**
 * Asking for a run (manual trigger, webhook, approval). Triggers for the same feed and building
 * coalesce: BullMQ keeps at most one job running and one waiting per scope (deduplication with
 * keepLastIfActive), and a run reads the source when it starts, so the latest data wins.
 */
import type { Queue } from 'bullmq';
import { newId } from '../new-id.js';
import type { RunTrigger } from './run-record.js';
import type { RunStore } from './run-store.js';
import { JOB_DEFAULTS } from './job-context.js';

export interface RunRequest {
  feed: string;
  building: string | null;
  trigger: RunTrigger;
  actor: string;
  dryRun: boolean;
}

export interface EnqueuedRun {
  /** The run that will serve this request: a new one, or the one of the same scope already waiting. */
  runId: string;
  coalesced: boolean;
}

export async function enqueueRun(
  feedsQueue: Queue,
  runs: RunStore,
  request: RunRequest,
): Promise<EnqueuedRun> {
  const runId = newId();
  const scope = runScope(request.feed, request.building, request.dryRun);
  // A run of this scope is already waiting to start: it will read the source when it does.
  const waiting = await runs.claimQueued(scope, runId);
  if (waiting) return { runId: waiting, coalesced: true };
  try {
    await runs.create({ id: runId, ...request, status: 'queued', createdAt: new Date().toISOString() });
    await feedsQueue.add(
      'sync-feed',
      { ...request, runId },
      { ...JOB_DEFAULTS, deduplication: { id: scope, keepLastIfActive: true } },
    );
  } catch (err) {
    await runs.releaseQueued(scope).catch(() => undefined);
    throw err;
  }
  return { runId, coalesced: false };
}

/**
 * What coalesces: triggers of one feed, or of one building of a feed, that all apply or all only
 * plan. A dry run never joins a run that applies (someone asked to see a plan first), nor the
 * other way round (a change asked for would silently only be planned).
 */
export function runScope(feed: string, building: string | null, dryRun: boolean): string {
  const base = building ? `feed:${feed}:building:${building}` : `feed:${feed}`;
  return dryRun ? `${base}:dry-run` : base;
}

/** Applies the held parts of a run, each building as one job; the job refuses if OpenApp changed. */
export async function enqueueApproval(
  buildingsQueue: Queue,
  runs: RunStore,
  run: { id: string; feed: string; buildings: Record<string, { status: string }> },
  actor: string,
): Promise<string[]> {
  await runs.updateMeta(run.id, { status: 'running', error: `approved by ${actor}` });
  return enqueueBuildingJobs(buildingsQueue, run, 'held', 'approve', actor);
}

/**
 * Applies a dry run's plan as it was shown, each building as one job: the job refuses if OpenApp
 * changed since, and the guards still hold removals they held in the plan.
 */
export async function enqueueDryRunApply(
  buildingsQueue: Queue,
  runs: RunStore,
  run: { id: string; feed: string; buildings: Record<string, { status: string }> },
  actor: string,
): Promise<string[]> {
  await runs.updateMeta(run.id, { status: 'running', error: `apply of the dry run asked for by ${actor}` });
  return enqueueBuildingJobs(buildingsQueue, run, 'planned', 'apply-dry-run', actor);
}

async function enqueueBuildingJobs(
  buildingsQueue: Queue,
  run: { id: string; feed: string; buildings: Record<string, { status: string }> },
  from: 'held' | 'planned',
  mode: 'approve' | 'apply-dry-run',
  actor: string,
): Promise<string[]> {
  const jobIds: string[] = [];
  for (const [integrationId, b] of Object.entries(run.buildings)) {
    if (b.status !== from) continue;
    const job = await buildingsQueue.add(
      'sync-building',
      { runId: run.id, feed: run.feed, integrationId, mode, dryRun: false, actor },
      // A timestamp in the id: after a refusal (OpenApp changed) the same building may be asked again.
      { ...JOB_DEFAULTS, attempts: 3, jobId: `${mode}-${run.id}-${integrationId}-${Date.now()}` },
    );
    if (job.id) jobIds.push(job.id);
  }
  return jobIds;
}
