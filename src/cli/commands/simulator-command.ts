import path from 'node:path';
import type { Command } from 'commander';
import { API_GENERATIONS, type ApiGeneration } from '../../openapp/api-generation.js';
import { loadSnapshotFile } from '../../simulator/sim-snapshot.js';
import { startSimulator } from '../../simulator/simulator-server.js';
import { createLogger } from '../../logger.js';
import { choiceOption, fractionOption, integerOption } from '../option-parsers.js';
import { packagePath } from '../package-path.js';

interface SimulatorFlags {
  host: string;
  port: number;
  seed: string;
  state?: string;
  generation: ApiGeneration;
  latencyMs: number;
  errorRate: number;
  throttleRate: number;
  retryAfter: number;
  resetRate: number;
  rateLimit: number;
  faultSeed: number;
  invitationTtlHours: number;
  resendCooldownSeconds: number;
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description(
      'run a local OpenApp-compatible server for tests, demos and trying a feed without credentials',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerOption(0, 65535), 4010)
    .option(
      '--seed <file>',
      'JSON seed: orgs, keys, integrations, users, building users',
      packagePath('examples/openapp-seed.json'),
    )
    .option(
      '--state <file>',
      'keep state in this file across restarts (loaded if present, saved after changes)',
    )
    .option(
      '--generation <gen>',
      `API generation to serve (${API_GENERATIONS.join(' or ')})`,
      choiceOption(API_GENERATIONS),
      '2026',
    )
    .option('--latency-ms <ms>', 'added latency per request', integerOption(0, 60_000), 0)
    .option('--error-rate <share>', 'share of requests answered 502/503', fractionOption, 0)
    .option('--throttle-rate <share>', 'share of requests answered 429', fractionOption, 0)
    .option('--retry-after <seconds>', 'Retry-After sent with injected 429s', integerOption(0, 3600), 1)
    .option(
      '--reset-rate <share>',
      'share of connections reset instead of answered (half of them after the change was made)',
      fractionOption,
      0,
    )
    .option(
      '--rate-limit <per-second>',
      'requests per second per API key (0: unlimited)',
      integerOption(0),
      0,
    )
    .option('--fault-seed <n>', 'seed for the fault dice, for repeatable runs', integerOption(0), 1)
    .option(
      '--invitation-ttl-hours <h>',
      'how long an invitation stays valid',
      integerOption(1, 24 * 365),
      168,
    )
    .option(
      '--resend-cooldown-seconds <s>',
      'minimum time between sends of one invitation',
      integerOption(0),
      60,
    )
    .action(async (flags: SimulatorFlags) => {
      const logger = createLogger({ level: 'info', destination: process.stderr });
      const seed = await loadSnapshotFile(flags.seed);
      const sim = await startSimulator({
        host: flags.host,
        port: flags.port,
        seed,
        generation: flags.generation,
        ...(flags.state ? { stateFile: path.resolve(flags.state) } : {}),
        faults: {
          latencyMs: flags.latencyMs,
          errorRate: flags.errorRate,
          throttleRate: flags.throttleRate,
          retryAfterSeconds: flags.retryAfter,
          resetRate: flags.resetRate,
          rateLimitPerSecond: flags.rateLimit,
          seed: flags.faultSeed,
        },
        invitations: {
          ttlMs: flags.invitationTtlHours * 3600_000,
          resendCooldownMs: flags.resendCooldownSeconds * 1000,
        },
        logger,
      });
      const org = seed.orgs[0]?.id ?? '';
      process.stdout.write(
        [
          `OpenApp simulator (API ${flags.generation}) listening on ${sim.apiRoot}`,
          `  seed: ${flags.seed}${flags.state ? `, state: ${flags.state}` : ''}`,
          `  point pms-sync at it with:`,
          `    OPENAPP_API_BASE=${sim.apiRoot}`,
          `    OPENAPP_ORG_ID=${org}`,
          `    OPENAPP_API_GENERATION=${flags.generation}`,
          `    OPENAPP_API_KEY=<anything>_openapp_<a secret from the seed's api_keys>`,
          `  test endpoints: ${sim.origin}/_sim/state, /_sim/requests, /_sim/clock, /_sim/faults`,
          '',
        ].join('\n'),
      );
      const stop = async (signal: string) => {
        logger.info({ signal }, 'simulator stopping');
        await sim.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
