/** The `pms-sync` command line: its commands and how errors become exit codes. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { OpenAppError, UnsupportedByGenerationError } from '../openapp/openapp-error.js';
import { IntegrationLookupError } from '../openapp/openapp-client.js';
import { SnapshotError } from '../simulator/sim-snapshot.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerOpenAppCommand } from './commands/openapp-command.js';
import { registerSimulatorCommand } from './commands/simulator-command.js';
import { registerMappingsCommand } from './commands/mappings-command.js';
import { registerSyncCommands } from './commands/sync-commands.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { registerRunsCommands } from './commands/runs-commands.js';
import { registerServerCommands } from './commands/server-command.js';
import { registerInvitationsCommand } from './commands/invitations-command.js';
import { FeedsFileError } from '../feeds/load-feeds.js';
import { RunNotFoundError } from '../queue/run-store.js';
import { RunStateError } from '../queue/run-actions.js';
import { UsageError } from './usage-error.js';
import { MappingError } from '../mappings/mapping-error.js';
import { HeaderMismatchError } from '../mappings/header-mismatch-error.js';
import { SourceReadError } from '../sources/source-row.js';
import { DatabaseSourceError } from '../sources/database-error.js';
import { EXIT } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('pms-sync')
    .description('Keeps OpenApp building access in step with a property-management system')
    .showHelpAfterError()
    .exitOverride();
  registerSyncCommands(program);
  registerMappingsCommand(program);
  registerWorkerCommand(program);
  registerRunsCommands(program);
  registerServerCommands(program);
  registerInvitationsCommand(program);
  registerSimulatorCommand(program);
  registerOpenAppCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Errors that mean the call, its configuration or its input must change: retrying will not help. */
const BAD_INPUT = [
  ConfigError,
  SnapshotError,
  UnsupportedByGenerationError,
  IntegrationLookupError,
  MappingError,
  HeaderMismatchError,
  SourceReadError,
  UsageError,
  FeedsFileError,
  RunNotFoundError,
  RunStateError,
];

/** Maps an error to what the operator reads and the exit code scripts branch on. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message; help and version are not failures.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof DatabaseSourceError) {
    // Bad SQL or credentials must be fixed (2); an unreachable database may come back (1).
    process.stderr.write(`${err.message}\n`);
    return err.retryable ? EXIT.failure : EXIT.usage;
  }
  if (BAD_INPUT.some((kind) => err instanceof kind)) {
    process.stderr.write(`${(err as Error).message}\n`);
    return EXIT.usage;
  }
  if (err instanceof OpenAppError) {
    const hint =
      err.status === 401 || err.status === 403
        ? ' (check OPENAPP_API_KEY, OPENAPP_ORG_ID and OPENAPP_API_GENERATION)'
        : '';
    process.stderr.write(`${err.message}${hint}${err.requestId ? ` [request ${err.requestId}]` : ''}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.failure;
}
