/**
 * `pms-sync server`: webhooks, the ops API, health and metrics. `pms-sync start`: the server and
 * the worker in one process, for small installations.
 */
import type { Command } from 'commander';
import { loadFeedsFile } from '../../feeds/load-feeds.js';
import { createMetrics, openAppCallObserver, registerInvitationGauge } from '../../http/http-metrics.js';
import { buildHttpServer } from '../../http/http-server.js';
import { OpenAppClient } from '../../openapp/openapp-client.js';
import { InvitationLedgerStore } from '../../queue/invitation-ledger-store.js';
import { invitationReport } from '../../sync/invitation-report.js';
import { openQueueClient } from '../../queue/queue-client.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../queue/worker-runtime.js';
import { commandContext } from '../command-context.js';

async function serve(withWorker: boolean): Promise<void> {
  const ctx = commandContext({ openapp: true, feeds: true, adminToken: true });
  const { config, logger } = ctx;
  const feeds = await loadFeedsFile(config.feedsFile as string);
  const queues = openQueueClient(config.redisUrl, config.prefix, logger, {
    failFast: true,
    name: 'pms-sync-server',
  });
  const openapp = config.openapp;
  if (!openapp) throw new Error('unreachable: commandContext({ openapp: true }) guarantees OpenApp settings');
  const buildings = [...feeds.values()].flatMap((f) => f.buildings);
  const ledger = new InvitationLedgerStore(queues.redis, config.prefix);
  const metrics = createMetrics({ runs: queues.runs, queues: [queues.feedsQueue, queues.buildingsQueue] });
  const client = new OpenAppClient({
    ...openapp,
    logger,
    onAttempt: openAppCallObserver(metrics),
  });
  if (openapp.generation === '2026') {
    registerInvitationGauge(metrics, async () =>
      (await invitationReport(client, ledger, buildings)).map((r) => r.status),
    );
  }
  const worker: WorkerRuntime | undefined = withWorker
    ? await startWorkerRuntime({
        feeds,
        redisUrl: config.redisUrl,
        prefix: config.prefix,
        client,
        logger,
        ...config.worker,
      })
    : undefined;
  const app = buildHttpServer({
    feeds,
    queues,
    redis: queues.redis,
    client,
    logger,
    metrics,
    adminToken: config.http.adminToken as string,
    prefix: config.prefix,
    env: process.env,
  });
  if (!(await queues.ready())) logger.warn('Redis is not reachable yet: webhooks answer 503 until it is');
  await app.listen({ host: config.http.host, port: config.http.port });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  logger.info('stopping');
  await app.close();
  await worker?.close();
  await queues.close();
  await client.close();
}

export function registerServerCommands(program: Command): void {
  program
    .command('server')
    .description('serve PMS webhooks, the ops API, /healthz, /readyz and /metrics (HTTP_HOST, HTTP_PORT)')
    .action(() => serve(false));
  program
    .command('start')
    .description('the server and the worker in one process, for small installations')
    .action(() => serve(true));
}
