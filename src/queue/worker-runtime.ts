/**
 * The worker: three BullMQ workers (feeds, buildings, runs) over one Redis, the feeds' schedules,
 * and a shutdown that lets running jobs finish within a time limit, then aborts their OpenApp calls.
 */
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { processFinishRun } from '../../jobs/finish-run.job.js';
import { processSyncBuilding } from '../../jobs/sync-building.job.js';
import { processSyncFeed } from '../../jobs/sync-feed.job.js';
import { processFeedInvitations } from '../../jobs/feed-invitations.job.js';
import { processPollFeed } from '../../jobs/poll-feed.job.js';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { JobContext } from './job-context.js';
import { queueNames } from './queue-names.js';
import { connectRedis } from './redis-connection.js';
import { RunStore } from './run-store.js';
import { syncSchedules } from './schedules.js';

export interface WorkerRuntimeOptions {
  feeds: ReadonlyMap<string, Feed>;
  redisUrl: string;
  prefix: string;
  client: OpenAppClient;
  logger: Logger;
  /** Buildings synced at once by this process. */
  concurrency: number;
  /** BullMQ job lock and building lock lease: how soon a dead worker's jobs are taken over. */
  lockMs: number;
  shutdownTimeoutMs: number;
}

export interface WorkerRuntime {
  schedules: string[];
  close(): Promise<void>;
}

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { logger, prefix } = options;
  const names = queueNames(prefix);
  const redis = connectRedis(options.redisUrl, logger, 'pms-sync-worker');
  const connection = redis;
  const runs = new RunStore(redis, prefix);
  const flows = new FlowProducer({ connection, prefix });
  const feedsQueue = new Queue(names.feeds, { connection, prefix });
  const buildingsQueue = new Queue(names.buildings, { connection, prefix });
  const abort = new AbortController();

  const workerOptions = {
    connection,
    prefix,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 5,
  };
  const ctx: JobContext = {
    feeds: options.feeds,
    redis,
    names,
    runs,
    client: options.client,
    logger,
    flows,
    feedsQueue,
    buildingsQueue,
    lockLeaseMs: options.lockMs,
    signal: abort.signal,
    rateLimit: async (ms) => {
      logger.warn({ ms }, 'OpenApp asked us to slow down: pausing building jobs');
      // Queue-wide: every worker replica holds off, not only this one.
      await buildingsQueue.rateLimit(ms);
    },
  };

  const feedWorker = new Worker(
    names.feeds,
    (job: Job) =>
      job.name === 'feed-invitations'
        ? processFeedInvitations(job, ctx)
        : job.name === 'poll-feed'
          ? processPollFeed(job, ctx)
          : processSyncFeed(job, ctx),
    {
      ...workerOptions,
      concurrency: 2,
    },
  );
  const buildingWorker = new Worker(
    names.buildings,
    (job: Job, token?: string) => processSyncBuilding(job, token, ctx),
    {
      ...workerOptions,
      concurrency: options.concurrency,
    },
  );
  const runWorker = new Worker(names.runs, (job: Job) => processFinishRun(job, ctx), {
    ...workerOptions,
    concurrency: 2,
  });
  const workers = [feedWorker, buildingWorker, runWorker];
  for (const w of workers) {
    w.on('failed', (job, err) =>
      logger.warn(
        { queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: { message: err.message } },
        'job failed',
      ),
    );
    w.on('error', (err) => logger.error({ queue: w.name, err: { message: err.message } }, 'worker error'));
  }

  const schedules = await syncSchedules(feedsQueue, options.feeds);
  logger.info(
    { prefix, feeds: [...options.feeds.keys()], schedules, concurrency: options.concurrency },
    'worker started',
  );

  return {
    schedules,
    close: async () => {
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.shutdownTimeoutMs);
      });
      if ((await Promise.race([graceful.then(() => 'done' as const), deadline])) === 'timeout') {
        logger.warn(
          { timeoutMs: options.shutdownTimeoutMs },
          'jobs still running at the shutdown limit: aborting them',
        );
        abort.abort();
        await Promise.all(workers.map((w) => w.close(true)));
      }
      clearTimeout(timer);
      await Promise.all([flows.close(), feedsQueue.close(), buildingsQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
