/**
 * Everything the HTTP service runs on, assembled once: the queues (failing fast when Redis is
 * away), the metrics, an OpenApp client that reports to them, and the fastify app. Used by
 * `pms-sync server` / `start`, the tests and the benchmarks, so all three run the same thing.
 */
import type { FastifyInstance } from 'fastify';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import { OpenAppClient, type OpenAppClientOptions } from '../openapp/openapp-client.js';
import { InvitationLedgerStore } from '../queue/invitation-ledger-store.js';
import { openQueueClient, type QueueClient } from '../queue/queue-client.js';
import { invitationReport } from '../sync/invitation-report.js';
import {
  createMetrics,
  openAppCallObserver,
  registerInvitationGauge,
  type ServerMetrics,
} from './http-metrics.js';
import { buildHttpServer } from './http-server.js';

export interface HttpServiceOptions {
  feeds: ReadonlyMap<string, Feed>;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  adminToken: string;
  /** Where webhook secrets are read from (the feeds file names the variables). */
  env: NodeJS.ProcessEnv;
  openapp: Omit<OpenAppClientOptions, 'logger' | 'onAttempt'>;
}

export interface HttpService {
  app: FastifyInstance;
  queues: QueueClient;
  client: OpenAppClient;
  metrics: ServerMetrics;
  close(): Promise<void>;
}

export function openHttpService(options: HttpServiceOptions): HttpService {
  const { feeds, logger, prefix } = options;
  const queues = openQueueClient(options.redisUrl, prefix, logger, {
    failFast: true,
    name: 'pms-sync-server',
  });
  const metrics = createMetrics({ runs: queues.runs, queues: [queues.feedsQueue, queues.buildingsQueue] });
  const client = new OpenAppClient({ ...options.openapp, logger, onAttempt: openAppCallObserver(metrics) });
  if (client.generation === '2026') {
    const ledger = new InvitationLedgerStore(queues.redis, prefix);
    const buildings = [...feeds.values()].flatMap((f) => f.buildings);
    registerInvitationGauge(metrics, async () =>
      (await invitationReport(client, ledger, buildings)).map((r) => r.status),
    );
  }
  const app = buildHttpServer({
    feeds,
    queues,
    redis: queues.redis,
    client,
    logger,
    metrics,
    adminToken: options.adminToken,
    prefix,
    env: options.env,
  });
  return {
    app,
    queues,
    client,
    metrics,
    close: async () => {
      await app.close();
      await queues.close();
      await client.close();
    },
  };
}
