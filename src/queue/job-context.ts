/** What every job handler gets from the worker that runs it. */
import type { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { QueueNames } from './queue-names.js';
import type { RunStore } from './run-store.js';

export interface JobContext {
  feeds: ReadonlyMap<string, Feed>;
  redis: Redis;
  names: QueueNames;
  runs: RunStore;
  client: OpenAppClient;
  logger: Logger;
  flows: FlowProducer;
  /** Where runs are asked for (a poll asks for the runs of the buildings that changed). */
  feedsQueue: Queue;
  buildingsQueue: Queue;
  /** How long a building lock lives without renewal (a dead worker's lock runs out after it). */
  lockLeaseMs: number;
  /** Aborted on shutdown: in-flight OpenApp calls stop. */
  signal: AbortSignal;
  /** Pauses the buildings queue for every worker (OpenApp asked us to slow down). */
  rateLimit(ms: number): Promise<void>;
}

/** Default BullMQ options for pms-sync's jobs: bounded retention, retries with backoff. */
export const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5000 },
} as const;
