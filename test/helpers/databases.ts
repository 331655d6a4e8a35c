/**
 * A fresh database per test on the machine's real PostgreSQL and MariaDB (127.0.0.1, the project's
 * CI services), dropped afterwards; the demo PMS schema and seed (examples/pms-db/) loaded on
 * request; and helpers to break a read in progress (pg_terminate_backend, KILL CONNECTION).
 */
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ulid } from 'ulid';
import type { SqlDialect } from '../../src/sources/sql-parameters.js';

export const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MARIADB_ADMIN_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/';

const root = new URL('../../', import.meta.url).pathname;
export const DEMO_SCHEMA = `${root}examples/pms-db/schema.sql`;
export const DEMO_SEED = `${root}examples/pms-db/seed.sql`;
export const DEMO_CSV = `${root}examples/pms-db/residents.csv`;
export const DEMO_MAPPING = `${root}mappings/pms-db.yaml`;

export interface TestDatabase {
  dialect: SqlDialect;
  name: string;
  /** A URL pms-sync can read the database with (`password` adds one to the URL, see `withPassword`). */
  url: string;
  /** Runs SQL (several statements allowed) as the admin; rows as arrays. */
  exec(sql: string, values?: unknown[]): Promise<unknown[][]>;
  /** Ends the connection pms-sync's read is using, from another connection: a dropped connection. */
  dropReaderConnection(): Promise<boolean>;
  drop(): Promise<void>;
}

function urlFor(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

async function createPostgres(name: string): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = urlFor(PG_ADMIN_URL, name);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return {
    dialect: 'postgres',
    name,
    url,
    exec: async (sql, values) => {
      const result = await db.query({ text: sql, values: values ?? [], rowMode: 'array' });
      const last = Array.isArray(result) ? result.at(-1) : result;
      return (last?.rows ?? []) as unknown[][];
    },
    dropReaderConnection: async () => {
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND application_name = 'pms-sync' AND pid <> pg_backend_pid()`,
        [name],
      );
      return (r.rowCount ?? 0) > 0;
    },
    drop: async () => {
      await db.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function createMariadb(name: string): Promise<TestDatabase> {
  const admin = await mysql.createConnection({ uri: MARIADB_ADMIN_URL, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = urlFor(MARIADB_ADMIN_URL, name);
  const db = await mysql.createConnection({ uri: url, multipleStatements: true, rowsAsArray: true });
  // Timestamps written and read in UTC, as pms-sync reads them, whatever the machine's zone.
  await db.query("SET time_zone = '+00:00'");
  const ownId = db.threadId;
  return {
    dialect: 'mysql',
    name,
    url,
    exec: async (sql, values) => {
      const [rows] = await db.query(sql, values ?? []);
      return (Array.isArray(rows) ? rows : []) as unknown[][];
    },
    dropReaderConnection: async () => {
      const [rows] = await admin.query<mysql.RowDataPacket[]>(
        'SELECT id FROM information_schema.processlist WHERE db = ? AND id <> ? AND id <> CONNECTION_ID()',
        [name, ownId],
      );
      for (const row of rows) await admin.query(`KILL CONNECTION ${Number(row.id)}`);
      return rows.length > 0;
    },
    drop: async () => {
      await db.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

/** A database of its own for one test, with `cleanup` dropping it. */
export async function createTestDatabase(
  dialect: SqlDialect,
  cleanup: (() => Promise<unknown>)[],
): Promise<TestDatabase> {
  const name = `pms_sync_test_${ulid().toLowerCase()}`;
  const db = dialect === 'postgres' ? await createPostgres(name) : await createMariadb(name);
  cleanup.push(() => db.drop());
  return db;
}

/** Loads examples/pms-db/schema.sql and seed.sql: the same files on both databases. */
export async function loadDemoPms(db: TestDatabase): Promise<void> {
  await db.exec(await readFile(DEMO_SCHEMA, 'utf8'));
  await db.exec(await readFile(DEMO_SEED, 'utf8'));
}

/** The URL with a user's password in it (pg's trust authentication accepts any password). */
export function withPassword(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/** A MariaDB user with a password, allowed to read only this database. */
export async function mariadbReader(db: TestDatabase, cleanup: (() => Promise<unknown>)[], password: string) {
  const user = `reader_${db.name.slice(-10)}`;
  await db.exec(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
  await db.exec(`GRANT SELECT ON ${db.name}.* TO '${user}'@'%'`);
  cleanup.push(() => db.exec(`DROP USER IF EXISTS '${user}'@'%'`));
  return user;
}

/** Polls until `check` is true (or the time runs out): for waiting on another connection's state. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
