/**
 * A feeds file, a worker (in this process or as a child process) and a queue client against the
 * machine's real Redis, all under a unique prefix that is deleted afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { loadFeedsFile } from '../../src/feeds/load-feeds.js';
import { silentLogger } from '../../src/logger.js';
import { openQueueClient, type QueueClient } from '../../src/queue/queue-client.js';
import { enqueueRun, type RunRequest } from '../../src/queue/enqueue-run.js';
import type { RunRecord } from '../../src/queue/run-record.js';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { startWorkerRuntime } from '../../src/queue/worker-runtime.js';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import { clientFor, ORG_ID, testSimulator } from './simulator.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = new URL('../../', import.meta.url).pathname;
export const BIN = path.join(root, 'bin/pms-sync.js');

export function uniquePrefix(): string {
  return `pms-sync-test-${ulid()}`;
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface FeedFiles {
  dir: string;
  feedsFile: string;
  csvFile: string;
  mappingFile: string;
}

/** A feed over a copy of the generic mapping and sample export; `csv` replaces the sample's rows. */
export async function writeFeed(
  options: {
    schedule?: string;
    csv?: string;
    mappingEdit?: (m: string) => string;
    buildings?: string[];
    /** More settings of the feed, as YAML lines indented under it, e.g. `    invitations: { … }\n`. */
    feedExtra?: string;
  } = {},
): Promise<FeedFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-feed-'));
  const mappingFile = path.join(dir, 'generic.yaml');
  const csvFile = path.join(dir, 'export.csv');
  const mapping = await readFile(path.join(root, 'mappings/generic.yaml'), 'utf8');
  await writeFile(mappingFile, (options.mappingEdit ?? ((m) => m))(mapping));
  await writeFile(
    csvFile,
    options.csv ?? (await readFile(path.join(root, 'examples/exports/generic-residents.csv'), 'utf8')),
  );
  const feedsFile = path.join(dir, 'feeds.yaml');
  const buildings = options.buildings ? `\n    buildings: [${options.buildings.join(', ')}]` : '';
  const schedule = options.schedule
    ? `\n    schedule: { cron: '${options.schedule}', time_zone: America/Chicago }`
    : '';
  await writeFile(
    feedsFile,
    `feeds:\n  - name: demo\n    mapping: generic.yaml\n    source: { csv: export.csv }${buildings}${schedule}\n${options.feedExtra ?? ''}`,
  );
  return { dir, feedsFile, csvFile, mappingFile };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function inProcessWorker(
  sim: RunningSimulator & { key: string },
  feedsFile: string,
  prefix: string,
  lockMs = 3000,
) {
  const client = clientFor(sim);
  const runtime = await startWorkerRuntime({
    feeds: await loadFeedsFile(feedsFile),
    redisUrl: REDIS_URL,
    prefix,
    client,
    logger: silentLogger(),
    concurrency: 2,
    lockMs,
    shutdownTimeoutMs: 5000,
  });
  return {
    close: async () => {
      await runtime.close();
      await client.close();
    },
  };
}

export function queueClient(prefix: string) {
  return openQueueClient(REDIS_URL, prefix, silentLogger());
}

/** Environment for a `pms-sync` child process against a simulator and this prefix. */
export function childEnv(
  sim: RunningSimulator & { key: string },
  feedsFile: string,
  prefix: string,
  extra: Record<string, string> = {},
) {
  return {
    PATH: process.env.PATH ?? '',
    OPENAPP_API_BASE: sim.apiRoot,
    OPENAPP_API_KEY: sim.key,
    OPENAPP_ORG_ID: ORG_ID,
    OPENAPP_API_GENERATION: sim.generation,
    FEEDS_FILE: feedsFile,
    REDIS_URL,
    PMS_SYNC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    WORKER_LOCK_MS: '2000',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...extra,
  };
}

export function spawnWorker(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Asks for a run of the demo feed (manual, whole feed unless `over` says otherwise) and waits for it to settle. */
/** Asks for a run of the demo feed (a manual trigger unless `over` says otherwise); its id. */
export async function triggerRun(q: QueueClient, over: Partial<RunRequest> = {}): Promise<string> {
  const { runId } = await enqueueRun(q.feedsQueue, q.runs, {
    feed: 'demo',
    building: null,
    trigger: 'manual',
    actor: 'test',
    dryRun: false,
    ...over,
  });
  return runId;
}

export async function syncAndWait(
  q: QueueClient,
  over: Partial<RunRequest> = {},
  timeoutMs = 20_000,
): Promise<RunRecord> {
  return waitForRun(q.runs, await triggerRun(q, over), timeoutMs);
}

/** Waits until `check` holds, looking every 100 ms; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A simulator, a feed over the sample export and a queue client under a unique prefix, for tests
 * that start their own workers; all of it closed and deleted by `cleanup` after the test.
 */
export async function queueSetup(
  cleanup: (() => Promise<unknown>)[],
  feedOptions: Parameters<typeof writeFeed>[0] = {},
  simulatorOptions: Parameters<typeof testSimulator>[0] = {},
) {
  const prefix = uniquePrefix();
  const sim = await testSimulator(simulatorOptions);
  const files = await writeFeed(feedOptions);
  const q = queueClient(prefix);
  cleanup.push(
    () => sim.close(),
    () => removeDir(files.dir),
    () => deletePrefix(prefix),
    () => q.close(),
  );
  return { sim, files, q, prefix };
}

/**
 * The usual worker test: a simulator, a feed over the sample export, an in-process worker and a
 * queue client under a unique prefix; all of it closed and deleted by `cleanup` after the test.
 */
export async function workerSetup(
  cleanup: (() => Promise<unknown>)[],
  feedOptions: Parameters<typeof writeFeed>[0] = {},
  simulatorOptions: Parameters<typeof testSimulator>[0] = {},
) {
  const setup = await queueSetup(cleanup, feedOptions, simulatorOptions);
  const worker = await inProcessWorker(setup.sim, setup.files.feedsFile, setup.prefix);
  cleanup.push(() => worker.close());
  return setup;
}
