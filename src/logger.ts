/**
 * The project's pino logger. Two layers keep secrets out of every log line:
 * - `redact` paths blank the headers that carry credentials wherever they appear in a log object;
 * - a scrubbing destination replaces every known secret value (API key, admin token, webhook
 *   secrets) in the finished line, so a secret that slips into a message, an error's text or a
 *   stack trace is still never written.
 */
import { Writable } from 'node:stream';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export const REDACTED = '[REDACTED]';

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie', 'set-cookie', 'webhook-signature'];
const REDACT_PATHS = CREDENTIAL_HEADERS.flatMap((h) => [
  `headers["${h}"]`,
  `*.headers["${h}"]`,
  `*.*.headers["${h}"]`,
]).concat(['apiKey', '*.apiKey', 'token', '*.token', 'secret', '*.secret', 'password', '*.password']);

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** `auto` pretty-prints on a terminal and writes JSON lines everywhere else. */
  format?: 'auto' | 'json' | 'pretty';
  /** Values that must never appear in output. Empty and very short values are ignored. */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; defaults to stdout. Tests pass a collector. */
  destination?: NodeJS.WritableStream;
  name?: string;
}

/** Every form a secret can take inside a JSON line: as is and JSON-escaped. */
function secretVariants(secrets: readonly (string | undefined)[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    // A 1-3 character "secret" would blank ordinary text; such values are rejected by config anyway.
    if (secret === undefined || secret.length < 4) continue;
    variants.add(secret);
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first so a key is replaced whole before any secret it contains.
  return [...variants].sort((a, b) => b.length - a.length);
}

export function scrubSecrets(text: string, variants: readonly string[]): string {
  let out = text;
  for (const v of variants) if (out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

/** A stream that scrubs each line before passing it on. */
function scrubbingStream(target: NodeJS.WritableStream, variants: readonly string[]): NodeJS.WritableStream {
  if (variants.length === 0) return target;
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(scrubSecrets(chunk.toString(), variants));
      callback();
    },
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const variants = secretVariants(options.secrets ?? []);
  const format = options.format ?? 'auto';
  const out = options.destination ?? process.stdout;
  const isTerminal = 'isTTY' in out && out.isTTY === true;
  const usePretty = format === 'pretty' || (format === 'auto' && isTerminal);
  const sink = usePretty ? pretty({ destination: out, colorize: isTerminal, sync: true }) : out;
  return pino(
    {
      name: options.name ?? 'pms-sync',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err },
    },
    scrubbingStream(sink, variants),
  );
}

/** A logger that writes nothing, for library use without a configured logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
