/**
 * Reads a PMS CSV export through its mapping into a SourceSnapshot. A file that cannot be read to
 * the end is still returned, marked incomplete, so the plan can add residents but removes nobody.
 * Problems with the file as a whole (no header, a required column missing) are thrown: there is
 * nothing to plan from.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Mapping } from '../mappings/mapping-schema.js';
import { createRowMapper } from '../mappings/map-rows.js';
import { openCsvSource } from '../sources/csv-source.js';
import { mapSourceBatches, type OnRecords } from './map-source-rows.js';
import type { SourceSnapshot } from './source-snapshot.js';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readCsvExport(
  mapping: Mapping,
  file: string,
  options: { onRecords?: OnRecords } = {},
): Promise<SourceSnapshot> {
  const source = await openCsvSource(file, {
    delimiter: mapping.csv.delimiter,
    encoding: mapping.csv.encoding,
    header: mapping.csv.header,
  });
  const mapper = createRowMapper(mapping, source.header, { file });
  const snapshot = await mapSourceBatches(mapper, source.batches, options.onRecords);
  // Hashed while the rows streamed; a read that stopped early hashes the file on its own.
  return { ...snapshot, sha256: source.sha256 ?? (await sha256Of(file)) };
}
