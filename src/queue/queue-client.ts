/** What the commands that ask for runs need: the queues and the run store, and a way to close them. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { queueNames } from './queue-names.js';
import { connectRedis } from './redis-connection.js';
import { RunStore } from './run-store.js';

export interface QueueClient {
  redis: Redis;
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
  const redis = connectRedis(redisUrl, logger, options.name ?? 'pms-sync-cli', options);
  const names = queueNames(prefix);
  const feedsQueue = new Queue(names.feeds, { connection: redis, prefix });
  const buildingsQueue = new Queue(names.buildings, { connection: redis, prefix });
  return {
    redis,
    feedsQueue,
    buildingsQueue,
    runs: new RunStore(redis, prefix),
    close: async () => {
      await Promise.all([feedsQueue.close(), buildingsQueue.close()]);
      await redis.quit().catch(() => undefined);
    },
  };
}
