/** Waits for a run to settle, showing its buildings' progress on a terminal. */
import cliProgress from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../queue/run-record.js';
import type { RunStore } from '../queue/run-store.js';

const SETTLED = new Set(['planned', 'held', 'applied', 'partial', 'failed', 'rejected', 'superseded']);
const BUILDING_SETTLED = new Set(['planned', 'held', 'applied', 'partial', 'failed', 'rejected']);

export async function waitForRun(runs: RunStore, runId: string, timeoutMs: number): Promise<RunRecord> {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'Run {run} [{bar}] {value}/{total} buildings  {status}', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const deadline = Date.now() + timeoutMs;
  let started = false;
  try {
    for (;;) {
      const run = await runs.require(runId);
      const buildings = Object.values(run.buildings);
      const done = buildings.filter((b) => BUILDING_SETTLED.has(b.status)).length;
      if (bar && buildings.length > 0) {
        if (!started) bar.start(buildings.length, done, { run: runId, status: run.status });
        started = true;
        bar.update(done, { status: run.status });
      }
      if (SETTLED.has(run.status)) return run;
      if (Date.now() > deadline)
        throw new Error(
          `run ${runId} had not finished after ${Math.round(timeoutMs / 1000)} s (status ${run.status}); is a worker running?`,
        );
      await sleep(300);
    }
  } finally {
    bar?.stop();
  }
}
