/**
 * The rows of any source (a CSV file, a database query) through the mapping into a snapshot. A
 * read that breaks after some rows (SourceReadError) gives a snapshot marked incomplete, with the
 * rows before the break: the plan then adds residents but removes nobody. Anything else is thrown.
 */
import type { RejectedRow, ResidentRecord } from '../core/resident-record.js';
import type { RowMapper } from '../mappings/map-rows.js';
import { SourceReadError, type SourceRow } from '../sources/source-row.js';
import type { SourceSnapshot } from './source-snapshot.js';

export async function mapSourceRows(
  mapper: RowMapper,
  rows: AsyncIterable<SourceRow>,
  /** Sees every row as read, before it is mapped (e.g. to hash the source). */
  onRow?: (row: SourceRow) => void,
): Promise<Omit<SourceSnapshot, 'sha256'>> {
  const records: ResidentRecord[] = [];
  const rejected: RejectedRow[] = [];
  let read = 0;
  let skipped = 0;
  let problem: string | undefined;
  try {
    for await (const row of rows) {
      onRow?.(row);
      if (mapper.mapRowInto(row, records, rejected)) read++;
      else skipped++;
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    problem = err.message;
  }
  return {
    records,
    rejected,
    stats: { rows: read, records: records.length, rejected: rejected.length, skipped },
    complete: problem === undefined,
    ...(problem === undefined ? {} : { problem }),
  };
}
