/**
 * Reads a PMS database through its mapping into a SourceSnapshot, as readCsvExport does a file: the
 * mapping's `database` section says what to query, the feed says where (an environment variable
 * holding the URL) and with which parameter values.
 *
 * A read that stops after rows came (a dropped connection, a timeout) is still returned, marked
 * incomplete, so the plan can add residents but removes nobody. A source that cannot be read at
 * all (no URL, no connection, a query the database refuses, a header the mapping does not fit)
 * throws: there is nothing to plan from.
 */
import { createHash } from 'node:crypto';
import type { Mapping } from '../mappings/mapping-schema.js';
import { createRowMapper } from '../mappings/map-rows.js';
import { DatabaseSourceError } from '../sources/database-error.js';
import { openDatabaseQuery, type DatabaseRows } from '../sources/database-source.js';
import { DatabaseUrlError, databaseUrlFromEnv, type DatabaseUrl } from '../sources/database-url.js';
import type { ParameterValue } from '../sources/sql-parameters.js';
import { tableQuerySql } from '../sources/table-query.js';
import { mapSourceRows } from './map-source-rows.js';
import type { SourceSnapshot } from './source-snapshot.js';

export interface DatabaseSourceSpec {
  /** The environment variable holding the connection URL (its name ends in DATABASE_URL). */
  urlEnv: string;
  /** Values of named parameters, over the defaults of the mapping's database section. */
  parameters: Readonly<Record<string, ParameterValue>>;
  /** Names the source in every error: `feed maple-db`. */
  label: string;
}

/** The URL of a database source, or a DatabaseSourceError that says which variable is wrong. */
export function sourceUrl(source: DatabaseSourceSpec, env: NodeJS.ProcessEnv): DatabaseUrl {
  try {
    return databaseUrlFromEnv(env, source.urlEnv);
  } catch (err) {
    if (!(err instanceof DatabaseUrlError)) throw err;
    throw new DatabaseSourceError(`${source.label}: ${err.message}`, false);
  }
}

/** The mapping's database section, or a DatabaseSourceError when it has none. */
export function databaseSectionOf(mapping: Mapping, label: string): NonNullable<Mapping['database']> {
  if (mapping.database) return mapping.database;
  throw new DatabaseSourceError(
    `${label}: the mapping "${mapping.name}" has no \`database\` section; a database source needs its query or table`,
    false,
  );
}

/** Opens the mapping's main query for this source. */
export async function openMappingQuery(
  mapping: Mapping,
  source: DatabaseSourceSpec,
  env: NodeJS.ProcessEnv,
): Promise<DatabaseRows> {
  const section = databaseSectionOf(mapping, source.label);
  const url = sourceUrl(source, env);
  const sql = section.query ?? tableQuerySql({ ...section, table: section.table ?? '' }, url.dialect);
  return openDatabaseQuery(
    url,
    {
      sql,
      parameters: { ...section.parameters, ...source.parameters },
      statementTimeoutMs: section.statement_timeout_ms,
    },
    source.label,
  );
}

export async function readDatabaseExport(
  mapping: Mapping,
  source: DatabaseSourceSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SourceSnapshot> {
  const db = await openMappingQuery(mapping, source, env);
  try {
    const mapper = createRowMapper(mapping, db.header, { file: `${source.label} (database query)` });
    // The rows stand in for a file's bytes: the same rows in the same order, the same hash.
    const hash = createHash('sha256').update(db.header.columns.join('\u001f'));
    const snapshot = await mapSourceRows(mapper, db.rows, (row) =>
      hash.update('\u001e').update(row.cells.join('\u001f')),
    );
    return { ...snapshot, sha256: hash.digest('hex') };
  } finally {
    await db.close();
  }
}
