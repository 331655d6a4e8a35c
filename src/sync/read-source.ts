/** Where a feed (or `pms-sync plan`) reads its residents from, and reading it: a CSV export or a PMS database. */
import type { Mapping } from '../mappings/mapping-schema.js';
import type { OnRecords } from './map-source-rows.js';
import { readCsvExport } from './read-csv-export.js';
import { readDatabaseExport, type DatabaseSourceSpec } from './read-database-export.js';
import type { SourceSnapshot } from './source-snapshot.js';

export type SourceSpec = { kind: 'csv'; file: string } | ({ kind: 'database' } & DatabaseSourceSpec);

export function readSource(
  mapping: Mapping,
  source: SourceSpec,
  options: {
    env?: NodeJS.ProcessEnv;
    /** Sees the records read so far as a CSV export streams in (a database source gives them at the end). */
    onRecords?: OnRecords;
  } = {},
): Promise<SourceSnapshot> {
  return source.kind === 'csv'
    ? readCsvExport(mapping, source.file, options.onRecords ? { onRecords: options.onRecords } : {})
    : readDatabaseExport(mapping, source, options.env ?? process.env);
}
