/**
 * One feed run as production does it: the simulator standing in for OpenApp (in this process),
 * `pms-sync worker` child processes against the machine's Redis under a unique prefix, a manual
 * trigger, and the simulator's request log of everything the run asked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { silentLogger } from '../../src/logger.js';
import { enqueueRun } from '../../src/queue/enqueue-run.js';
import { openQueueClient } from '../../src/queue/queue-client.js';
import type { RunRecord } from '../../src/queue/run-record.js';
import type { FaultSettings } from '../../src/simulator/sim-faults.js';
import type { LoggedRequest } from '../../src/simulator/sim-request-log.js';
import { parseSnapshot } from '../../src/simulator/sim-snapshot.js';
import { startSimulator } from '../../src/simulator/simulator-server.js';
import { REDIS_URL, deletePrefix, spawnWorker, stopChild } from '../../test/helpers/worker.js';
import { API_SECRET, FEED_NAME, ORG_ID, writeFixture, type FixtureShape } from './changes-fixture.js';

export interface WorkerRunOptions {
  shape: FixtureShape;
  workers: number;
  faults: Partial<FaultSettings>;
  /** Extra environment of every worker (OPENAPP_RATE_LIMIT, WORKER_CONCURRENCY, …). */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface WorkerRunResult {
  run: RunRecord;
  changes: number;
  /** Every request the run made, in arrival order. */
  requests: LoggedRequest[];
  /** From the first request of the run to the last. */
  windowMs: number;
}

const STARTED = /worker started/;

async function untilStarted(child: ReturnType<typeof spawnWorker>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!STARTED.test(child.output())) {
    if (child.exitCode !== null) throw new Error(`a worker exited before it started:\n${child.output()}`);
    if (Date.now() > deadline)
      throw new Error(`a worker did not start in ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runWithWorkers(options: WorkerRunOptions): Promise<WorkerRunResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-bench-apply-'));
  const prefix = `pms-sync-bench-${ulid()}`;
  const fixture = await writeFixture(dir, options.shape);
  const sim = await startSimulator({
    seed: parseSnapshot(fixture.seed, 'apply benchmark seed'),
    generation: '2026',
    faults: options.faults,
  });
  const workers = Array.from({ length: options.workers }, () =>
    spawnWorker({
      PATH: process.env.PATH ?? '',
      OPENAPP_API_BASE: sim.apiRoot,
      OPENAPP_API_KEY: `${sim.origin}_openapp_${API_SECRET}`,
      OPENAPP_ORG_ID: ORG_ID,
      OPENAPP_API_GENERATION: '2026',
      FEEDS_FILE: fixture.feedsFile,
      REDIS_URL,
      PMS_SYNC_PREFIX: prefix,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...options.env,
    }),
  );
  const queues = openQueueClient(REDIS_URL, prefix, silentLogger());
  try {
    await Promise.all(workers.map((w) => untilStarted(w, 30_000)));
    const before = sim.requests.since().at(-1)?.seq ?? 0;
    const { runId } = await enqueueRun(queues.feedsQueue, queues.runs, {
      feed: FEED_NAME,
      building: null,
      trigger: 'manual',
      actor: 'bench',
      dryRun: false,
    });
    const run = await waitForRun(queues.runs, runId, options.timeoutMs);
    const requests = sim.requests.since(before);
    const first = requests[0];
    const last = requests.at(-1);
    const windowMs =
      first && last ? Date.parse(last.at) + last.durationMs - Date.parse(first.at) : Number.NaN;
    return { run, changes: fixture.changes, requests, windowMs };
  } finally {
    await Promise.all(workers.map((w) => stopChild(w)));
    await queues.close();
    await deletePrefix(prefix);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Building-user mutations: one per change when nothing was repeated. */
export function isMutation(r: LoggedRequest): boolean {
  return (
    (r.method === 'POST' || r.method === 'DELETE') &&
    /\/integrations\/[^/]+\/(people|building-users)/.test(r.path)
  );
}
