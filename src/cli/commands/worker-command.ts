/** `pms-sync worker`: processes runs and keeps the feeds' schedules, until SIGTERM / SIGINT. */
import type { Command } from 'commander';
import { loadFeedsFile } from '../../feeds/load-feeds.js';
import { startWorkerRuntime } from '../../queue/worker-runtime.js';
import { commandContext, openAppClientFrom } from '../command-context.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('process sync jobs and keep the feeds schedules (FEEDS_FILE, REDIS_URL, OPENAPP_*)')
    .action(async () => {
      const ctx = commandContext({ openapp: true, feeds: true });
      const feeds = await loadFeedsFile(ctx.config.feedsFile as string);
      const client = openAppClientFrom(ctx);
      const runtime = await startWorkerRuntime({
        feeds,
        redisUrl: ctx.config.redisUrl,
        prefix: ctx.config.prefix,
        client,
        logger: ctx.logger,
        ...ctx.config.worker,
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          ctx.logger.info({ signal }, 'worker stopping');
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await runtime.close();
      await client.close();
      ctx.logger.info('worker stopped');
    });
}
