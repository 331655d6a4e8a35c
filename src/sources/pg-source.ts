/**
 * PostgreSQL half of the database source (src/sources/database-source.ts): a pg client, a read-only
 * transaction with a statement timeout, and a pg-cursor that fetches FETCH_ROWS rows per round
 * trip, only when the mapping asks for more.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SourceRow } from './source-row.js';
import { SourceReadError } from './source-row.js';
import type { DatabaseUrl } from './database-url.js';
import {
  CONNECT_TIMEOUT_MS,
  FETCH_ROWS,
  settleWithin,
  type DatabaseRows,
  type DriverQuery,
} from './database-driver.js';

/**
 * Every value as PostgreSQL prints it: no type parser runs, so a DATE stays the `YYYY-MM-DD` the
 * session's ISO DateStyle prints, never a JS Date shifted by a time zone.
 */
const AS_TEXT = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

type Batch = { rows: (string | null)[][]; columns: string[] };

function readBatch(cursor: Cursor<(string | null)[]>): Promise<Batch> {
  return new Promise((resolve, reject) => {
    cursor.read(FETCH_ROWS, (err, rows, result) => {
      if (err) reject(err);
      else resolve({ rows, columns: result.fields.map((f) => f.name.trim()) });
    });
  });
}

export async function openPostgresQuery(url: DatabaseUrl, query: DriverQuery): Promise<DatabaseRows> {
  const client = new pg.Client({
    connectionString: url.url,
    application_name: 'pms-sync',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A connection that silently went away (no reset) is noticed instead of waited on forever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: AS_TEXT,
  });
  // A connection that drops is reported to the read in progress; without a listener it would
  // also crash the process.
  client.on('error', () => undefined);
  let closed = false;
  let finished = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // After a complete read the transaction is ended politely; otherwise ending the connection
    // ends it (PostgreSQL rolls back a transaction whose connection goes away).
    if (finished) await settleWithin(2_000, client.query('ROLLBACK'));
    await settleWithin(2_000, client.end());
  };

  try {
    await client.connect();
  } catch (err) {
    await close();
    throw query.failure.open('connect', err);
  }

  let cursor: Cursor<(string | null)[]>;
  let first: Batch;
  try {
    // The timeout is an integer from the mapping schema: safe to write into the statement.
    await client.query(
      `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(query.statementTimeoutMs)};` +
        ` SET LOCAL datestyle = 'ISO, YMD'; SET LOCAL timezone = 'UTC'`,
    );
    cursor = client.query(
      new Cursor<(string | null)[]>(query.text, query.values, { rowMode: 'array', types: AS_TEXT }),
    );
    first = await readBatch(cursor);
  } catch (err) {
    await close();
    throw query.failure.open('query', err);
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    let read = 0;
    let batch = first.rows;
    try {
      for (;;) {
        for (const row of batch) {
          read++;
          yield { line: read + 1, cells: row.map((v) => v ?? '') };
        }
        if (batch.length < FETCH_ROWS) break;
        try {
          batch = (await readBatch(cursor)).rows;
        } catch (err) {
          throw new SourceReadError(query.failure.midRead(read, err), { line: read + 2 }, { cause: err });
        }
        if (batch.length === 0) break;
      }
      finished = true;
    } finally {
      await close();
    }
  }

  return { header: { line: 1, columns: first.columns }, rows: rows(), close };
}
