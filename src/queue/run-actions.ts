/** What an operator can do with a held run, from the command line or the ops API alike. */
import type { Queue } from 'bullmq';
import { enqueueApproval, enqueueDryRunApply } from './enqueue-run.js';
import type { RunRecord } from './run-record.js';
import type { RunStore } from './run-store.js';

/** The run is not in a state that allows the action (e.g. approving a run that is not held). */
export class RunStateError extends Error {
  override readonly name = 'RunStateError';
}

export async function approveRun(
  buildingsQueue: Queue,
  runs: RunStore,
  runId: string,
  actor: string,
): Promise<{ run: RunRecord; jobs: string[] }> {
  const run = await runs.require(runId);
  if (run.status !== 'held')
    throw new RunStateError(`run ${runId} is ${run.status}, not held: nothing to approve`);
  const jobs = await enqueueApproval(buildingsQueue, runs, run, actor);
  return { run, jobs };
}

/** A dry run's plan is applied only while it is fresh: access windows move with the clock. */
export const DRY_RUN_APPLY_LIMIT_MS = 3600_000;

/** Applies the plan a dry run showed (the ops console's "Sync now", confirmed). */
export async function applyDryRun(
  buildingsQueue: Queue,
  runs: RunStore,
  runId: string,
  actor: string,
  now = Date.now(),
): Promise<{ run: RunRecord; jobs: string[] }> {
  const run = await runs.require(runId);
  if (!run.dryRun || run.status !== 'planned')
    throw new RunStateError(`run ${runId} is ${run.status}, not a planned dry run: nothing to apply`);
  const plannedAt = Date.parse(run.finishedAt ?? run.createdAt);
  if (now - plannedAt > DRY_RUN_APPLY_LIMIT_MS)
    throw new RunStateError(`run ${runId} was planned more than an hour ago: plan again before applying`);
  const jobs = await enqueueDryRunApply(buildingsQueue, runs, run, actor);
  return { run, jobs };
}

export async function rejectRun(runs: RunStore, runId: string, actor: string): Promise<RunRecord> {
  const run = await runs.require(runId);
  if (run.status !== 'held')
    throw new RunStateError(`run ${runId} is ${run.status}, not held: nothing to reject`);
  for (const b of Object.values(run.buildings)) {
    if (b.status === 'held') await runs.updateBuilding(runId, b.integrationId, { status: 'rejected' });
  }
  return runs.finish(runId, { error: `rejected by ${actor}` });
}
