/**
 * The rows of any source (a CSV file, a database query) through the mapping into a snapshot. A
 * read that breaks after some rows (SourceReadError) gives a snapshot marked incomplete, with the
 * rows before the break: the plan then adds residents but removes nobody. Anything else is thrown.
 */
import type { RejectedRow, ResidentRecord } from '../core/resident-record.js';
import type { RowMapper } from '../mappings/map-rows.js';
import { SourceReadError, type SourceRow } from '../sources/source-row.js';
import type { SourceSnapshot } from './source-snapshot.js';

type Snapshot = Omit<SourceSnapshot, 'sha256'>;

/** The snapshot as rows arrive, whichever way they arrive. */
class SnapshotBuilder {
  private readonly records: ResidentRecord[] = [];
  private readonly rejected: RejectedRow[] = [];
  private read = 0;
  private skipped = 0;

  constructor(private readonly mapper: RowMapper) {}

  /** The records so far: one list, grown as rows arrive. */
  get recordsSoFar(): readonly ResidentRecord[] {
    return this.records;
  }

  add(row: SourceRow): void {
    if (this.mapper.mapRowInto(row, this.records, this.rejected)) this.read++;
    else this.skipped++;
  }

  /** The snapshot; `stop` is what stopped the read, if anything: a SourceReadError marks it incomplete. */
  finish(stop?: { err: unknown }): Snapshot {
    let problem: string | undefined;
    if (stop !== undefined) {
      if (!(stop.err instanceof SourceReadError)) throw stop.err;
      problem = stop.err.message;
    }
    const { records, rejected } = this;
    return {
      records,
      rejected,
      stats: { rows: this.read, records: records.length, rejected: rejected.length, skipped: this.skipped },
      complete: problem === undefined,
      ...(problem === undefined ? {} : { problem }),
    };
  }
}

export async function mapSourceRows(
  mapper: RowMapper,
  rows: AsyncIterable<SourceRow>,
  /** Sees every row as read, before it is mapped (e.g. to hash the source). */
  onRow?: (row: SourceRow) => void,
): Promise<Snapshot> {
  const builder = new SnapshotBuilder(mapper);
  try {
    for await (const row of rows) {
      onRow?.(row);
      builder.add(row);
    }
  } catch (err) {
    return builder.finish({ err });
  }
  return builder.finish();
}

/** Sees the records read so far after each batch: the same list every time, grown (the snapshot's). */
export type OnRecords = (records: readonly ResidentRecord[]) => void;

/** As mapSourceRows, for a source that gives its rows a batch at a time (see CsvSource.batches). */
export async function mapSourceBatches(
  mapper: RowMapper,
  batches: AsyncIterable<readonly SourceRow[]>,
  onRecords?: OnRecords,
): Promise<Snapshot> {
  const builder = new SnapshotBuilder(mapper);
  try {
    for await (const batch of batches) {
      for (const row of batch) builder.add(row);
      onRecords?.(builder.recordsSoFar);
    }
  } catch (err) {
    return builder.finish({ err });
  }
  return builder.finish();
}
