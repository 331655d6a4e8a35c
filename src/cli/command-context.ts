/**
 * What every command needs: parsed configuration and a logger that knows the secrets to hide.
 * Built once per process, on first use, so `--help` works without any configuration.
 */
import { parseConfig, type Config, type ConfigNeeds } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { OpenAppClient } from '../openapp/openapp-client.js';

export interface CommandContext {
  config: Config;
  logger: Logger;
}

export function commandContext(needs: ConfigNeeds = {}): CommandContext {
  const config = parseConfig(process.env, needs);
  // Logs go to stderr so stdout stays clean for tables and --json output.
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: config.secrets,
    destination: process.stderr,
  });
  return { config, logger };
}

export function openAppClientFrom(ctx: CommandContext): OpenAppClient {
  const o = ctx.config.openapp;
  if (!o) throw new Error('unreachable: commandContext({ openapp: true }) guarantees OpenApp settings');
  return new OpenAppClient({ ...o, logger: ctx.logger });
}
