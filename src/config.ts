/**
 * Configuration from the environment, parsed once by one zod schema. Every problem is reported at
 * once, each naming its variable and what to do, so an operator fixes a deployment in one pass.
 */
import { z } from 'zod';
import { API_GENERATIONS, type ApiGeneration } from './openapp/api-generation.js';
import { ApiKeyFormatError, apiRootFrom, parseApiKey } from './openapp/api-key.js';
import { DATABASE_URL_ENV, passwordForms } from './sources/database-url.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(emptyAsUndefined, z.string().trim().optional());

const envSchema = z.object({
  OPENAPP_API_BASE: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  OPENAPP_API_KEY: z.preprocess(
    emptyAsUndefined,
    z.string().min(8, 'too short to be an OpenApp key').optional(),
  ),
  OPENAPP_ORG_ID: optionalText,
  OPENAPP_API_GENERATION: z.enum(API_GENERATIONS).default('2026'),
  OPENAPP_TIMEOUT_MS: positiveInt(10_000),
  OPENAPP_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  OPENAPP_CONCURRENCY: positiveInt(8),
  /** Requests per second this process sends to OpenApp at most (0: no limit). Per process: divide the key's limit among the workers. */
  OPENAPP_RATE_LIMIT: z.coerce.number().min(0).default(0),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  ),
  /** Namespace of every queue and key in Redis: installations (and tests) sharing a Redis stay apart. */
  PMS_SYNC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" and "-" only')
    .default('pms-sync'),
  FEEDS_FILE: optionalText,
  WORKER_CONCURRENCY: positiveInt(4),
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  ADMIN_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

export interface OpenAppConfig {
  baseUrl: string;
  apiKey: string;
  orgId: string;
  generation: ApiGeneration;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  /** Requests per second at most; 0: no limit. */
  ratePerSecond: number;
}

export interface WorkerConfig {
  concurrency: number;
  lockMs: number;
  shutdownTimeoutMs: number;
}

export interface HttpConfig {
  host: string;
  port: number;
  adminToken: string | undefined;
}

export interface Config {
  openapp: OpenAppConfig | undefined;
  http: HttpConfig;
  prefix: string;
  /** Path of the feeds file; required by the worker and the commands that enqueue runs. */
  feedsFile: string | undefined;
  worker: WorkerConfig;
  /** Why `openapp` is undefined, when it is: for commands that need it. */
  openappMissing: string[];
  redisUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'auto' | 'json' | 'pretty';
  /** Values the logger must never print. */
  secrets: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface ConfigNeeds {
  /** The command talks to OpenApp: key, org and base URL must be present. */
  openapp?: boolean;
  /** The command reads the feeds file. */
  feeds?: boolean;
  /** The command serves the ops API: the admin token must be set. */
  adminToken?: boolean;
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env, needs: ConfigNeeds = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      // Never echo the value: it may be a secret.
      problems.push(`${name}: ${issue.message}`);
    }
  }
  const e = parsed.success ? parsed.data : undefined;

  const openappMissing: string[] = [];
  let baseUrl: string | undefined;
  if (e?.OPENAPP_API_BASE) {
    try {
      baseUrl = apiRootFrom(e.OPENAPP_API_BASE);
    } catch (err) {
      problems.push(`OPENAPP_API_BASE: ${(err as Error).message}`);
    }
  } else if (e?.OPENAPP_API_KEY) {
    try {
      baseUrl = parseApiKey(e.OPENAPP_API_KEY).baseUrl;
    } catch (err) {
      if (!(err instanceof ApiKeyFormatError)) throw err;
      openappMissing.push(
        `OPENAPP_API_BASE: unset, and OPENAPP_API_KEY does not carry a base URL (${err.message})`,
      );
    }
  } else if (e) {
    openappMissing.push(
      'OPENAPP_API_BASE: unset; set it, or use a key in the `{base}_openapp_{secret}` form',
    );
  }
  if (e && !e.OPENAPP_API_KEY) openappMissing.push('OPENAPP_API_KEY: required; the API key OpenApp issued');
  if (e && !e.OPENAPP_ORG_ID) openappMissing.push('OPENAPP_ORG_ID: required; the organisation id (a ULID)');
  if (needs.openapp) problems.push(...openappMissing);
  if (needs.adminToken && e && !e.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN: required; a long random token for the ops API (e.g. `openssl rand -hex 32`)');
  }
  if (needs.feeds && e && !e.FEEDS_FILE)
    problems.push('FEEDS_FILE: required; the path of the feeds file (see examples/feeds.yaml)');

  if (problems.length > 0 || !e) throw new ConfigError(problems);

  const openapp =
    openappMissing.length === 0 && baseUrl && e.OPENAPP_API_KEY && e.OPENAPP_ORG_ID
      ? {
          baseUrl,
          apiKey: e.OPENAPP_API_KEY,
          orgId: e.OPENAPP_ORG_ID,
          generation: e.OPENAPP_API_GENERATION,
          timeoutMs: e.OPENAPP_TIMEOUT_MS,
          maxRetries: e.OPENAPP_MAX_RETRIES,
          concurrency: e.OPENAPP_CONCURRENCY,
          ratePerSecond: e.OPENAPP_RATE_LIMIT,
        }
      : undefined;
  return {
    openapp,
    openappMissing,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, adminToken: e.ADMIN_TOKEN },
    prefix: e.PMS_SYNC_PREFIX,
    feedsFile: e.FEEDS_FILE,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      lockMs: e.WORKER_LOCK_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    secrets: [
      ...secretsOf(e.OPENAPP_API_KEY),
      ...redisPassword(e.REDIS_URL),
      ...(e.ADMIN_TOKEN ? [e.ADMIN_TOKEN] : []),
      ...webhookSecrets(env),
      ...databasePasswords(env),
    ],
  };
}

/** The key and its secret part: either one alone must never be logged. */
function secretsOf(apiKey: string | undefined): string[] {
  if (!apiKey) return [];
  const at = apiKey.indexOf('_openapp_');
  return at > 0 ? [apiKey, apiKey.slice(at + '_openapp_'.length)] : [apiKey];
}

/** A password in REDIS_URL is a secret too. */
function redisPassword(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}

/**
 * Webhook secrets live in variables the feeds file names (`WEBHOOK_SECRET_*` by convention);
 * every one of them is hidden from the logs, each of several rotated secrets on its own.
 */
function webhookSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => name.startsWith('WEBHOOK_SECRET') && value)
    .flatMap(([, value]) => (value as string).split(/[\s,]+/).filter((v) => v.length >= 4));
}

/**
 * A feed's database URL lives in a variable the feeds file names (`*DATABASE_URL` by rule); the
 * password in each of them is hidden from the logs, as written and decoded.
 */
function databasePasswords(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => DATABASE_URL_ENV.test(name) && value)
    .flatMap(([, value]) => {
      try {
        return passwordForms(new URL(value as string).password);
      } catch {
        return [];
      }
    });
}
