/**
 * One server side of the webhook-throughput benchmark, in its own process so that autocannon (in
 * the parent) and the server each have an event loop and a core of their own to compete for:
 * - bare: a bare fastify route answering 202 (the baseline);
 * - webhook: pms-sync's HTTP service built as `pms-sync server` builds it (src/cli/commands/
 *   server-command.ts): real Redis, the feeds file, metrics, and the project's JSON logger on
 *   stdout (the parent points stdout at /dev/null).
 * Driven over the IPC channel; see side-protocol.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { loadFeedsFile } from '../../src/feeds/load-feeds.js';
import type { ServerMetrics } from '../../src/http/http-metrics.js';
import { openHttpService } from '../../src/http/http-service.js';
import { createLogger } from '../../src/logger.js';
import { WEBHOOK_PATH, ADMIN_TOKEN, SECRET_ENV, WEBHOOK_SECRET } from './signing.js';
import { parentMessageSchema, type ChildMessage, type SideInput, type SideReport } from './side-protocol.js';

interface RunningSide {
  app: FastifyInstance;
  /** pms_sync_webhook_deliveries_total by outcome, so far. */
  outcomes(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

function send(message: ChildMessage): void {
  if (!process.send) throw new Error('serve-side.ts must be started with an IPC channel');
  process.send(message);
}

async function bareSide(): Promise<RunningSide> {
  const app = Fastify();
  app.post(WEBHOOK_PATH, async (_req, reply) => reply.code(202).send({ accepted: true }));
  return { app, outcomes: async () => ({}), close: () => app.close() };
}

async function outcomesOf(metrics: ServerMetrics): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await metrics.webhooks.get()).values) {
    const outcome = String(labels.outcome);
    counts[outcome] = (counts[outcome] ?? 0) + value;
  }
  return counts;
}

async function webhookSide(input: Extract<SideInput, { side: 'webhook' }>): Promise<RunningSide> {
  const feeds = await loadFeedsFile(input.feedsFile);
  const secretPart = input.apiKey.slice(input.apiKey.indexOf('_openapp_') + '_openapp_'.length);
  // As src/config.ts collects them: the API key and its secret part, the admin token, webhook secrets.
  const logger = createLogger({
    level: input.logLevel,
    format: 'json',
    secrets: [input.apiKey, secretPart, ADMIN_TOKEN, WEBHOOK_SECRET],
  });
  const service = openHttpService({
    feeds,
    redisUrl: input.redisUrl,
    prefix: input.prefix,
    logger,
    adminToken: ADMIN_TOKEN,
    env: { [SECRET_ENV]: WEBHOOK_SECRET },
    openapp: { baseUrl: input.apiRoot, apiKey: input.apiKey, orgId: input.orgId, generation: '2026' },
  });
  if (!(await service.queues.ready())) throw new Error(`Redis at ${input.redisUrl} did not answer`);
  return { app: service.app, outcomes: () => outcomesOf(service.metrics), close: () => service.close() };
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

let side: RunningSide | undefined;
let mark: { cpu: NodeJS.CpuUsage; at: number; outcomes: Record<string, number> } | undefined;

async function handle(raw: unknown): Promise<void> {
  const message = parentMessageSchema.parse(raw);
  switch (message.type) {
    case 'start': {
      side = message.input.side === 'bare' ? await bareSide() : await webhookSide(message.input);
      await side.app.listen({ host: '127.0.0.1', port: 0 });
      const address = side.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP port');
      send({ type: 'ready', port: address.port });
      return;
    }
    case 'mark': {
      if (!side) throw new Error('mark before start');
      mark = { cpu: process.cpuUsage(), at: performance.now(), outcomes: await side.outcomes() };
      send({ type: 'marked' });
      return;
    }
    case 'stop': {
      if (!side || !mark) throw new Error('stop before start and mark');
      const cpu = process.cpuUsage(mark.cpu);
      const wallMs = performance.now() - mark.at;
      const report: SideReport = {
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        wallMs,
        maxRssKiB: process.resourceUsage().maxRSS,
        outcomes: minus(await side.outcomes(), mark.outcomes),
      };
      send({ type: 'report', report });
      await side.close();
      process.disconnect();
      return;
    }
  }
}

process.on('message', (raw: unknown) => {
  handle(raw).catch((err: unknown) => {
    console.error('serve-side failed:', err);
    process.exit(1);
  });
});
