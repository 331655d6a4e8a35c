/** What the commands that ask for runs need: the queues and the run store, and a way to close them. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { queueNames } from './queue-names.js';
import { connectRedis } from './redis-connection.js';
import { RunStore } from './run-store.js';

export interface QueueClient {
  /** The connection the queues, the run store and the dedupe keys share. */
  redis: Redis;
  /** Resolves once Redis answers, or after `timeoutMs` (the caller then runs degraded). */
  ready(timeoutMs?: number): Promise<boolean>;
  feedsQueue: Queue;
  buildingsQueue: Queue;
  runs: RunStore;
  close(): Promise<void>;
}

export function openQueueClient(
  redisUrl: string,
  prefix: string,
  logger: Logger,
  options: { failFast?: boolean; name?: string } = {},
): QueueClient {
  const name = options.name ?? 'pms-sync-cli';
  const redis = connectRedis(redisUrl, logger, name, options);
  const names = queueNames(prefix);
  const feedsQueue = new Queue(names.feeds, { connection: redis, prefix });
  const buildingsQueue = new Queue(names.buildings, { connection: redis, prefix });
  return {
    redis,
    ready: async (timeoutMs = 5_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
      );
      const ok = Promise.all([
        feedsQueue.waitUntilReady(),
        buildingsQueue.waitUntilReady(),
        redis.ping(),
      ]).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([ok, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    feedsQueue,
    buildingsQueue,
    runs: new RunStore(redis, prefix),
    close: async () => {
      await Promise.all([feedsQueue.close(), buildingsQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
