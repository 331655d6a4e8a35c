/**
 * The HTTP service: PMS webhooks, the ops API and its console, health and metrics, on fastify with
 * the project's logger. Its work goes through the same queues as `pms-sync trigger`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { QueueClient } from '../queue/queue-client.js';
import { registerConsole } from './console/console-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import type { ServerMetrics } from './http-metrics.js';
import { registerOpsRoutes } from './ops-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { registerQueueBoard } from './queue-board.js';

export interface HttpServerDeps {
  feeds: ReadonlyMap<string, Feed>;
  queues: QueueClient;
  redis: Redis;
  client: OpenAppClient;
  logger: Logger;
  metrics: ServerMetrics;
  adminToken: string;
  prefix: string;
  /** Environment to read webhook secrets from (the feeds file names the variables). */
  env: NodeJS.ProcessEnv;
}

export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Webhook bodies are capped per feed; this is the ceiling for everything else.
    bodyLimit: 1024 * 1024,
    trustProxy: true,
  });
  registerHealthRoutes(app, deps);
  registerOpsRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerQueueBoard(app, {
    queues: [deps.queues.feedsQueue, deps.queues.buildingsQueue],
    adminToken: deps.adminToken,
  });
  registerConsole(app, deps);
  return app;
}
