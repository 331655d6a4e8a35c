/**
 * `pms-sync trigger` asks the worker for a run; `pms-sync runs` lists, shows, approves and rejects
 * runs. Both talk to Redis only: the worker does the work.
 */
import type { Command } from 'commander';
import { loadFeedsFile } from '../../feeds/load-feeds.js';
import { enqueueRun } from '../../queue/enqueue-run.js';
import { approveRun, rejectRun } from '../../queue/run-actions.js';
import { openQueueClient, type QueueClient } from '../../queue/queue-client.js';
import { planOfRun, type RunRecord } from '../../queue/run-record.js';
import { runJson } from '../../sync/run-json.js';
import { commandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { integerOption } from '../option-parsers.js';
import { renderPlan } from '../render-plan.js';
import { UsageError } from '../usage-error.js';
import { waitForRun } from '../wait-for-run.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const WAIT_MS = 30 * 60_000;

async function withQueues<T>(use: (q: QueueClient) => Promise<T>): Promise<T> {
  const ctx = commandContext();
  const queues = openQueueClient(ctx.config.redisUrl, ctx.config.prefix, ctx.logger);
  try {
    return await use(queues);
  } finally {
    await queues.close();
  }
}

function exitFor(run: RunRecord): number {
  if (run.status === 'held') return EXIT.held;
  if (run.status === 'failed' || run.status === 'partial') return EXIT.failure;
  return EXIT.ok;
}

function summary(run: RunRecord): string {
  const parts = Object.values(run.buildings).map((b) => {
    const failed = b.results?.filter((r) => r.outcome === 'failed').length ?? 0;
    return `${b.integrationId}: ${b.status}${failed ? ` (${failed} failed)` : ''}${b.error ? ` - ${b.error}` : ''}`;
  });
  return [
    `Run ${run.id} (${run.feed}${run.building ? `, building ${run.building}` : ''}): ${run.status}${run.error ? ` - ${run.error}` : ''}`,
    ...parts.map((p) => `  ${p}`),
  ].join('\n');
}

export function registerRunsCommands(program: Command): void {
  program
    .command('trigger')
    .description('ask the worker for a sync of a feed (or one of its buildings)')
    .requiredOption('--feed <name>', 'feed name from FEEDS_FILE')
    .option('--building <integration>', 'only this building (an integration id of the feed)')
    .option('--dry-run', 'plan only: change nothing in OpenApp')
    .option('--wait', 'wait for the run to finish, with a progress bar on a terminal')
    .option('--actor <name>', 'who asks, for the run record', process.env.USER ?? 'cli')
    .action(
      async (flags: { feed: string; building?: string; dryRun?: boolean; wait?: boolean; actor: string }) => {
        const ctx = commandContext({ feeds: true });
        const feeds = await loadFeedsFile(ctx.config.feedsFile as string);
        const feed = feeds.get(flags.feed);
        if (!feed)
          throw new UsageError(
            `no feed named "${flags.feed}" in ${ctx.config.feedsFile} (feeds: ${[...feeds.keys()].join(', ')})`,
          );
        if (flags.building && !feed.buildings.includes(flags.building)) {
          throw new UsageError(
            `feed ${flags.feed} does not cover building ${flags.building} (it covers ${feed.buildings.join(', ')})`,
          );
        }
        await withQueues(async (q) => {
          const queued = await enqueueRun(q.feedsQueue, q.runs, {
            feed: flags.feed,
            building: flags.building ?? null,
            trigger: 'manual',
            actor: flags.actor,
            dryRun: flags.dryRun ?? false,
          });
          out(
            queued.coalesced
              ? `Queued run ${queued.runId} (a run of the same scope, already waiting)`
              : `Queued run ${queued.runId}`,
          );
          if (!flags.wait) return;
          let run = await waitForRun(q.runs, queued.runId, WAIT_MS);
          // Folded into a run of the same scope that started first: follow that one.
          const into = run.status === 'superseded' ? /run (\S+)$/.exec(run.error ?? '')?.[1] : undefined;
          if (into) {
            out(`Folded into run ${into}, which read the same source`);
            run = await waitForRun(q.runs, into, WAIT_MS);
          }
          out(summary(run));
          process.exitCode = exitFor(run);
        });
      },
    );

  const runs = program.command('runs').description('list, show, approve and reject runs');

  runs
    .command('list', { isDefault: true })
    .description('the latest runs, newest first')
    .option('--feed <name>', 'only this feed')
    .option('--limit <n>', 'how many', integerOption(1, 1000), 20)
    .option('--json', 'print JSON')
    .action((flags: { feed?: string; limit: number; json?: boolean }) =>
      withQueues(async (q) => {
        const list = await q.runs.list(flags.limit, flags.feed);
        if (flags.json) {
          out(
            JSON.stringify(
              list.map(({ buildings: _b, ...meta }) => meta),
              null,
              2,
            ),
          );
          return;
        }
        if (list.length === 0) out('(no runs)');
        for (const r of list) {
          out(
            `${r.id}  ${r.createdAt}  ${r.feed.padEnd(16)} ${r.trigger.padEnd(8)} ${r.status.padEnd(10)} ${r.dryRun ? 'dry-run ' : ''}${r.actor}`,
          );
        }
      }),
    );

  runs
    .command('show <run>')
    .description('a run with its plan per building and what was applied')
    .option('--json', 'print JSON')
    .action((runId: string, flags: { json?: boolean }) =>
      withQueues(async (q) => {
        const run = await q.runs.require(runId);
        const plan = planOfRun(run);
        if (flags.json) {
          out(JSON.stringify(runJson(run), null, 2));
          return;
        }
        out(summary(run));
        if (run.holdReasons?.length) out(`Held because ${run.holdReasons.join('; ')}`);
        if (plan) out(`\n${renderPlan(plan)}`);
      }),
    );

  runs
    .command('approve <run>')
    .description("apply a held run's plan exactly as planned; refused if OpenApp changed since")
    .option('--actor <name>', 'who approves', process.env.USER ?? 'cli')
    .option('--no-wait', 'return once queued')
    .action((runId: string, flags: { actor: string; wait: boolean }) =>
      withQueues(async (q) => {
        const { jobs } = await approveRun(q.buildingsQueue, q.runs, runId, flags.actor);
        out(`Approved run ${runId}: ${jobs.length} building${jobs.length === 1 ? '' : 's'} queued`);
        if (!flags.wait) return;
        const done = await waitForRun(q.runs, runId, WAIT_MS);
        out(summary(done));
        const refused = Object.values(done.buildings).filter((b) => b.status === 'held' && b.error);
        if (refused.length > 0) {
          out('Refused: OpenApp changed since the plan was made. Trigger a fresh run and review its plan.');
          process.exitCode = EXIT.failure;
          return;
        }
        process.exitCode = exitFor(done);
      }),
    );

  runs
    .command('reject <run>')
    .description('drop the held part of a run: its removals are never applied')
    .option('--actor <name>', 'who rejects', process.env.USER ?? 'cli')
    .action((runId: string, flags: { actor: string }) =>
      withQueues(async (q) => {
        const done = await rejectRun(q.runs, runId, flags.actor);
        out(`Rejected run ${runId}: ${done.status}`);
      }),
    );
}
