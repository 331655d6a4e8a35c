/**
 * A query on a PMS database as a tabular source: the same header and rows a CSV export gives
 * (src/sources/source-row.ts), so the mapping engine and the planner work on it unchanged.
 *
 * - Column names are the query's field names; every cell is text: NULL is '', a DATE is its
 *   ISO `YYYY-MM-DD` exactly as stored (it never becomes a JS Date, so no time zone shifts it),
 *   timestamps are printed in UTC, numbers as the database prints them.
 * - Row N of the result is reported as line N + 1: the line it has in a CSV export of the same
 *   query with a header, which is also what SourceHeader.line (1) says of the header.
 * - The query runs in a read-only transaction with a statement timeout, and is streamed (a pg
 *   cursor fetching a batch at a time; mysql2's row stream, which pauses the socket), so a large
 *   result never sits in memory at once.
 * - Failing to connect or a query the database refuses throws a DatabaseSourceError before any
 *   row; failing after rows came (a dropped connection, a timeout, an error in row 5,000) ends
 *   the rows with a SourceReadError, which makes the run remove nobody.
 */
import {
  DatabaseSourceError,
  databaseMessage,
  isRetryableDatabaseError,
  queryForMessage,
} from './database-error.js';
import { withoutSecrets, type DatabaseUrl } from './database-url.js';
import type { DatabaseRows, FailureWording } from './database-driver.js';
import { openMysqlQuery } from './mysql-source.js';
import { openPostgresQuery } from './pg-source.js';
import {
  parameterValues,
  translateNamedParameters,
  type ParameterValue,
  type TranslatedSql,
} from './sql-parameters.js';

export type { DatabaseRows } from './database-driver.js';

export interface DatabaseQuery {
  /** SQL with `:named` parameters. */
  sql: string;
  parameters: Readonly<Record<string, ParameterValue>>;
  /** Limits each statement the read runs (see the README for how each database applies it). */
  statementTimeoutMs: number;
}

/**
 * Opens `query` on the database at `url`. `label` names the source in every error
 * (`feed maple-db`); errors never carry the URL's password.
 */
export async function openDatabaseQuery(
  url: DatabaseUrl,
  query: DatabaseQuery,
  label: string,
): Promise<DatabaseRows> {
  let translated: TranslatedSql;
  let values: ParameterValue[];
  try {
    translated = translateNamedParameters(query.sql, url.dialect);
    values = parameterValues(translated, query.parameters);
  } catch (err) {
    throw new DatabaseSourceError(
      `${label}: ${(err as Error).message}; query: ${queryForMessage(query.sql)}`,
      false,
      {
        cause: err,
      },
    );
  }
  const failure = failureWording(url, query.sql, label);
  const driverQuery = {
    text: translated.text,
    values,
    statementTimeoutMs: query.statementTimeoutMs,
    failure,
  };
  return url.dialect === 'postgres' ? openPostgresQuery(url, driverQuery) : openMysqlQuery(url, driverQuery);
}

function failureWording(url: DatabaseUrl, sql: string, label: string): FailureWording {
  const clean = (text: string) => withoutSecrets(text, url.secrets);
  const shown = queryForMessage(sql);
  return {
    open: (stage, err) =>
      new DatabaseSourceError(
        clean(
          stage === 'connect'
            ? `${label}: cannot connect to ${url.description}: ${databaseMessage(err)}`
            : `${label}: the database refused the query: ${databaseMessage(err)}; query: ${shown}`,
        ),
        isRetryableDatabaseError(err),
      ),
    midRead: (rows, err) =>
      clean(`${label}: the read stopped after ${rows} rows: ${databaseMessage(err)}; query: ${shown}`),
  };
}
