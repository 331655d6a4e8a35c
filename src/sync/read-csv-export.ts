/**
 * Reads a PMS CSV export through its mapping into a SourceSnapshot. A file that cannot be read to
 * the end is still returned, marked incomplete, so the plan can add residents but removes nobody.
 * Problems with the file as a whole (no header, a required column missing) are thrown: there is
 * nothing to plan from.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { RejectedRow, ResidentRecord } from '../core/resident-record.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import { createRowMapper } from '../mappings/map-rows.js';
import { openCsvSource } from '../sources/csv-source.js';
import { SourceReadError } from '../sources/source-row.js';
import type { SourceSnapshot } from './source-snapshot.js';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readCsvExport(mapping: Mapping, file: string): Promise<SourceSnapshot> {
  const source = await openCsvSource(file, {
    delimiter: mapping.csv.delimiter,
    encoding: mapping.csv.encoding,
    header: mapping.csv.header,
  });
  const mapper = createRowMapper(mapping, source.header, { file });
  const records: ResidentRecord[] = [];
  const rejected: RejectedRow[] = [];
  let rows = 0;
  let skipped = 0;
  let complete = true;
  let problem: string | undefined;
  try {
    for await (const row of source.rows) {
      const mapped = mapper.mapRow(row);
      if (mapped.skipped) {
        skipped++;
        continue;
      }
      rows++;
      for (const r of mapped.records) records.push(r);
      for (const r of mapped.rejected) rejected.push(r);
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    complete = false;
    problem = err.message;
  }
  return {
    records,
    rejected,
    stats: { rows, records: records.length, rejected: rejected.length, skipped },
    complete,
    ...(problem ? { problem } : {}),
    sha256: await sha256Of(file),
  };
}
