/** `pms-sync plan` and `pms-sync apply`: from a PMS export or database to the exact OpenApp changes, shown first. */
import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { countOperations, planIsHeld } from '../../core/plan.js';
import { applyPlan, operationsOf } from '../../sync/apply-plan.js';
import { planToJson } from '../../sync/plan-json.js';
import { commandContext, openAppClientFrom } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { planFromFiles, type PlannedFromFiles } from '../plan-from-files.js';
import type { OpenAppClient } from '../../openapp/openapp-client.js';
import { renderApplyReport, renderPlan } from '../render-plan.js';
import { UsageError } from '../usage-error.js';
import { sourceOf, withSourceOptions, type SourceFlags } from '../source-options.js';

interface SyncFlags extends SourceFlags {
  at?: number;
  json?: boolean;
  yes?: boolean;
  allowHeld?: boolean;
}

function instantOption(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      `expected an ISO instant such as 2026-11-22T08:00:00-06:00, got "${value}"`,
    );
  }
  return ms;
}

function withSyncOptions(command: Command): Command {
  return withSourceOptions(command)
    .option('--at <instant>', 'plan for this instant instead of now (ISO 8601 with offset)', instantOption)
    .option('--json', 'print JSON instead of a table');
}

export function registerSyncCommands(program: Command): void {
  withSyncOptions(program.command('plan'))
    .description('show what a sync would change in OpenApp, changing nothing')
    .action((flags: SyncFlags) =>
      withPlan(flags, async ({ plan, names }) => {
        process.stdout.write(
          `${flags.json ? JSON.stringify(planToJson(plan, names), null, 2) : renderPlan(plan, names)}\n`,
        );
        process.exitCode = planIsHeld(plan) ? EXIT.held : EXIT.ok;
      }),
    );

  withSyncOptions(program.command('apply'))
    .description('plan, then make the changes in OpenApp')
    .option('--yes', 'do not ask for confirmation (unattended runs)')
    .option('--allow-held', 'also apply the removals of buildings held by a safety guard')
    .action((flags: SyncFlags) =>
      withPlan(flags, async ({ plan, names, client }) => {
        if (!flags.json) process.stdout.write(`${renderPlan(plan, names)}\n\n`);
        const { run } = operationsOf(plan, flags.allowHeld ?? false);
        if (run.length > 0 && !flags.yes) {
          if (!process.stdin.isTTY)
            throw new UsageError('refusing to change OpenApp without confirmation: pass --yes');
          const c = countOperations(plan);
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(
            `Apply ${run.length} changes (${c.add} adds, ${run.length - c.add} removals)? [y/N] `,
          );
          rl.close();
          if (!/^y(es)?$/i.test(answer.trim())) {
            process.stderr.write('Nothing changed.\n');
            return;
          }
        }
        const bar =
          process.stderr.isTTY && !flags.json && run.length > 0
            ? new cliProgress.SingleBar(
                { format: 'Applying [{bar}] {value}/{total} {op}', stream: process.stderr },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(run.length, 0, { op: '' });
        const report = await applyPlan(plan, client, {
          ...(flags.allowHeld ? { allowHeld: true } : {}),
          onProgress: (done, _total, last) =>
            bar?.update(done, { op: `${last.op} ${last.name ?? last.userId}` }),
        });
        bar?.stop();
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ plan: planToJson(plan, names), apply: report }, null, 2)}\n`
            : `${renderApplyReport(report)}\n`,
        );
        process.exitCode =
          report.status === 'failed' || report.status === 'partial'
            ? EXIT.failure
            : report.counts.held > 0
              ? EXIT.held
              : EXIT.ok;
      }),
    );
}

/** Builds the plan the flags describe, hands it on, and closes the client whatever happens. */
async function withPlan(
  flags: SyncFlags,
  use: (planned: PlannedFromFiles & { client: OpenAppClient }) => Promise<void>,
): Promise<void> {
  const source = sourceOf(flags);
  const ctx = commandContext({ openapp: true });
  const client = openAppClientFrom(ctx);
  try {
    const planned = await planFromFiles({
      mappingFile: flags.mapping,
      source,
      client,
      now: flags.at ?? Date.now(),
      logger: ctx.logger,
    });
    await use({ ...planned, client });
  } finally {
    await client.close();
  }
}
