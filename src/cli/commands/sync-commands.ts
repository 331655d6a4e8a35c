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
import { DATABASE_URL_ENV } from '../../sources/database-url.js';
import type { SourceSpec } from '../../sync/read-source.js';

interface SyncFlags {
  mapping: string;
  csv?: string;
  databaseUrlEnv?: string;
  param?: Record<string, string>;
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

/** `--param name=value`, repeatable: the values of the database query's named parameters. */
function parameterOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  const name = value.slice(0, at);
  if (at < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new InvalidArgumentError(`expected name=value, such as property_code=MAPLE, got "${value}"`);
  }
  return { ...previous, [name]: value.slice(at + 1) };
}

function withSourceOptions(command: Command): Command {
  return command
    .requiredOption('--mapping <file>', 'mapping file (mappings/*.yaml) describing the export')
    .option('--csv <file>', 'the PMS export')
    .option(
      '--database-url-env <name>',
      "read the PMS database instead: the environment variable holding its URL (…DATABASE_URL); the query is the mapping's",
    )
    .option(
      '--param <name=value>',
      'a value for a named parameter of the query (repeatable)',
      parameterOption,
    )
    .option('--at <instant>', 'plan for this instant instead of now (ISO 8601 with offset)', instantOption)
    .option('--json', 'print JSON instead of a table');
}

export function registerSyncCommands(program: Command): void {
  withSourceOptions(program.command('plan'))
    .description('show what a sync would change in OpenApp, changing nothing')
    .action((flags: SyncFlags) =>
      withPlan(flags, async ({ plan, names }) => {
        process.stdout.write(
          `${flags.json ? JSON.stringify(planToJson(plan, names), null, 2) : renderPlan(plan, names)}\n`,
        );
        process.exitCode = planIsHeld(plan) ? EXIT.held : EXIT.ok;
      }),
    );

  withSourceOptions(program.command('apply'))
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

/** Exactly one source: a CSV export, or a database whose URL is in the named variable. */
function sourceOf(flags: SyncFlags): SourceSpec {
  if ((flags.csv === undefined) === (flags.databaseUrlEnv === undefined)) {
    throw new UsageError('give exactly one source: --csv FILE or --database-url-env NAME');
  }
  if (flags.csv !== undefined) {
    if (flags.param) throw new UsageError('--param goes with --database-url-env');
    return { kind: 'csv', file: flags.csv };
  }
  const urlEnv = flags.databaseUrlEnv as string;
  if (!DATABASE_URL_ENV.test(urlEnv)) {
    throw new UsageError(
      `--database-url-env: "${urlEnv}" does not end in DATABASE_URL (the rule that hides its password from logs), e.g. PMS_DATABASE_URL`,
    );
  }
  return { kind: 'database', urlEnv, parameters: flags.param ?? {}, label: `the database in ${urlEnv}` };
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
