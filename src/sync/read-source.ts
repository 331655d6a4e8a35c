/** Where a feed (or `pms-sync plan`) reads its residents from, and reading it: a CSV export or a PMS database. */
import type { Mapping } from '../mappings/mapping-schema.js';
import { readCsvExport } from './read-csv-export.js';
import { readDatabaseExport, type DatabaseSourceSpec } from './read-database-export.js';
import type { SourceSnapshot } from './source-snapshot.js';

export type SourceSpec = { kind: 'csv'; file: string } | ({ kind: 'database' } & DatabaseSourceSpec);

export function readSource(
  mapping: Mapping,
  source: SourceSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SourceSnapshot> {
  return source.kind === 'csv'
    ? readCsvExport(mapping, source.file)
    : readDatabaseExport(mapping, source, env);
}
