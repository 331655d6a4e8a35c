/**
 * `pms-sync server`: webhooks, the ops API, health and metrics. `pms-sync start`: the server and
 * the worker in one process, for small installations.
 */
import type { Command } from 'commander';
import { loadFeedsFile } from '../../feeds/load-feeds.js';
import { openHttpService } from '../../http/http-service.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../queue/worker-runtime.js';
import { commandContext } from '../command-context.js';

async function serve(withWorker: boolean): Promise<void> {
  const ctx = commandContext({ openapp: true, feeds: true, adminToken: true });
  const { config, logger } = ctx;
  const feeds = await loadFeedsFile(config.feedsFile as string);
  const openapp = config.openapp;
  if (!openapp) throw new Error('unreachable: commandContext({ openapp: true }) guarantees OpenApp settings');
  const service = openHttpService({
    feeds,
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    logger,
    adminToken: config.http.adminToken as string,
    env: process.env,
    openapp,
  });
  const { app, queues, client } = service;
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
  if (!(await queues.ready())) logger.warn('Redis is not reachable yet: webhooks answer 503 until it is');
  await app.listen({ host: config.http.host, port: config.http.port });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  logger.info('stopping');
  await app.close();
  await worker?.close();
  await service.close();
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
