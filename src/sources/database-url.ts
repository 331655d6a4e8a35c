/**
 * A PMS database's connection URL, as an environment variable holds it. The URL carries the
 * password, so nothing here ever puts the URL itself in a message: errors and logs name the
 * variable and a description without the password (`postgres://pms_reader@db:5432/pms`).
 */
import type { SqlDialect } from './sql-parameters.js';

/** Variables holding a database URL end in DATABASE_URL, so the logger knows to hide their passwords. */
export const DATABASE_URL_ENV = /^[A-Z][A-Z0-9_]*DATABASE_URL$/;

export interface DatabaseUrl {
  dialect: SqlDialect;
  /** The URL as given, for the driver only. */
  url: string;
  /** Scheme, user, host, port and database: never the password. */
  description: string;
  /** The password as written and decoded (either may appear in a driver's message); empty when none. */
  secrets: string[];
}

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

const DIALECTS: Record<string, SqlDialect> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

/** Reads the URL from `env[name]`; errors name the variable, never its value. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv, name: string): DatabaseUrl {
  const value = env[name]?.trim();
  if (!value)
    throw new DatabaseUrlError(`${name} is not set: it must hold the PMS database's connection URL`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new DatabaseUrlError(`${name} is not a URL (expected e.g. postgres://user:password@host:5432/db)`);
  }
  const dialect = DIALECTS[parsed.protocol];
  if (!dialect) {
    throw new DatabaseUrlError(
      `${name}: the scheme ${parsed.protocol}// is not supported; use postgres://, postgresql://, mysql:// or mariadb://`,
    );
  }
  const secrets = passwordForms(parsed.password);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  const description = `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  // mysql2 knows only mysql://; MariaDB speaks the same protocol.
  const url = parsed.protocol === 'mariadb:' ? `mysql:${value.slice('mariadb:'.length)}` : value;
  return { dialect, url, description, secrets };
}

/** Every form of the password worth hiding: as written in the URL and decoded. */
export function passwordForms(raw: string): string[] {
  if (!raw) return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not valid percent-encoding: the raw form is what a driver would see
  }
  return [...new Set([raw, decoded])];
}

/** `text` with every secret replaced: for database messages, which may quote what they were given. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length > 0 && out.includes(s)) out = out.split(s).join('[REDACTED]');
  }
  return out;
}
