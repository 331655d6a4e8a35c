/** What an operator can do with a held run, from the command line or the ops API alike. */
import type { Queue } from 'bullmq';
import { enqueueApproval } from './enqueue-run.js';
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

export async function rejectRun(runs: RunStore, runId: string, actor: string): Promise<RunRecord> {
  const run = await runs.require(runId);
  if (run.status !== 'held')
    throw new RunStateError(`run ${runId} is ${run.status}, not held: nothing to reject`);
  for (const b of Object.values(run.buildings)) {
    if (b.status === 'held') await runs.updateBuilding(runId, b.integrationId, { status: 'rejected' });
  }
  return runs.finish(runId, { error: `rejected by ${actor}` });
}
