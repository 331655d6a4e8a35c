/**
 * The source options every command that reads a PMS shares (`plan`, `apply`, `mappings check`):
 * `--csv FILE`, or `--database-url-env NAME` with `--param name=value` for the query's parameters.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DATABASE_URL_ENV } from '../sources/database-url.js';
import type { SourceSpec } from '../sync/read-source.js';
import { UsageError } from './usage-error.js';

export interface SourceFlags {
  mapping: string;
  csv?: string;
  databaseUrlEnv?: string;
  param?: Record<string, string>;
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

export function withSourceOptions(command: Command): Command {
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
    );
}

/** Exactly one source: a CSV export, or a database whose URL is in the named variable. */
export function sourceOf(flags: SourceFlags): SourceSpec {
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
