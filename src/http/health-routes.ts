/**
 * `/healthz`: the process answers. `/readyz`: it can do its work (Redis and OpenApp reachable).
 * `/metrics`: Prometheus. `/docs/openapi.json`: the server's API.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { ServerMetrics } from './http-metrics.js';
import { OPENAPI_DOCUMENT } from './openapi-document.js';

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { redis: Redis; client: OpenAppClient; metrics: ServerMetrics },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks = await Promise.all([
      withTimeout(deps.redis.ping().then(() => 'ok')),
      withTimeout(deps.client.listIntegrations({ q: 'pms-sync-readiness-probe' }).then(() => 'ok')),
    ]);
    const [redis, openapp] = checks;
    const ready = checks.every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', redis, openapp });
  });

  app.get('/docs/openapi.json', async () => OPENAPI_DOCUMENT);

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}

/** A check that answers within 3 s, as `ok` or the reason it failed (never a secret: messages only). */
async function withTimeout(check: Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 3_000);
  });
  try {
    return await Promise.race([
      check.catch((err: unknown) => (err instanceof Error ? err.message : String(err))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
