/**
 * MySQL / MariaDB half of the database source (src/sources/database-source.ts): a mysql2
 * connection, a read-only transaction with a statement timeout (MariaDB's max_statement_time in
 * seconds, MySQL's max_execution_time in ms: which one is asked of the server), and the query as a
 * server-side prepared statement whose rows are streamed: the socket pauses while the mapping
 * catches up.
 */
import mysql from 'mysql2';
import type { FieldPacket } from 'mysql2';
import type { Readable } from 'node:stream';
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
 * A cell as text. Dates and timestamps already are (`dateStrings`), and so are big integers and
 * decimals, so no precision is lost; binary columns are read as UTF-8, JSON columns as JSON.
 */
export function mysqlCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as number | bigint | boolean);
}

export async function openMysqlQuery(url: DatabaseUrl, query: DriverQuery): Promise<DatabaseRows> {
  const connection = mysql.createConnection({
    uri: url.url,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    rowsAsArray: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A connection that silently went away (no reset) is noticed instead of waited on forever.
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    multipleStatements: false,
  });
  // mysql2 reports a dropped connection to the connection, not to a streaming statement: pass it
  // on to the read in progress (which would otherwise wait for rows forever).
  let stream: Readable | undefined;
  connection.on('error', (err) => stream?.destroy(err));
  const session = connection.promise();
  let closed = false;
  let finished = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (finished) {
      await settleWithin(2_000, session.query('ROLLBACK'));
      await settleWithin(2_000, session.end());
    }
    // Mid-read or broken: the server rolls back a transaction whose connection goes away.
    connection.destroy();
  };

  try {
    await session.connect();
  } catch (err) {
    await close();
    throw query.failure.open('connect', err);
  }

  let rowStream: Readable;
  let columns: string[];
  try {
    const [version] = await session.query<mysql.RowDataPacket[]>('SELECT VERSION()');
    const mariadb = /mariadb/i.test(String((version[0] as unknown[] | undefined)?.[0] ?? ''));
    const ms = Math.trunc(query.statementTimeoutMs);
    // Integers from the mapping schema: safe to write into the statements.
    await session.query(
      mariadb ? `SET SESSION max_statement_time = ${ms / 1000}` : `SET SESSION max_execution_time = ${ms}`,
    );
    await session.query("SET SESSION time_zone = '+00:00'");
    await session.query('START TRANSACTION READ ONLY');
    const command = connection.execute({ sql: query.text, values: query.values, rowsAsArray: true });
    const opened = command.stream({ highWaterMark: FETCH_ROWS });
    stream = rowStream = opened;
    columns = await new Promise<string[]>((resolve, reject) => {
      opened.once('fields', (fields: FieldPacket[]) => resolve(fields.map((f) => f.name.trim())));
      // The command reports a refused statement before it ends (the stream only a tick later).
      command.once('error', reject);
      opened.once('error', reject);
      // A statement without a result set: no columns, no rows.
      command.once('end', () => resolve([]));
    });
  } catch (err) {
    await close();
    throw query.failure.open('query', err);
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    let read = 0;
    try {
      try {
        for await (const row of rowStream) {
          read++;
          yield { line: read + 1, cells: (row as unknown[]).map(mysqlCellText) };
        }
      } catch (err) {
        throw new SourceReadError(query.failure.midRead(read, err), { line: read + 2 }, { cause: err });
      }
      finished = true;
    } finally {
      await close();
    }
  }

  return { header: { line: 1, columns }, rows: rows(), close };
}
