/** The two sides of a throughput benchmark (a baseline and the real work), run alternately in child processes. */
import { formatInteger, formatKiB, formatMs } from './benchmark.js';
import type { Table } from './tables.js';

export interface SideRun {
  side: string;
  /** Rows handled, and the wall time they took. */
  rows: number;
  ms: number;
  maxRssKiB: number;
}

export const rowsPerSecond = (r: SideRun) => r.rows / (r.ms / 1000);

/** Every run of both sides, numbered within its side, for the collapsed "every run" table. */
export function sideRunsTable(runs: readonly SideRun[], runsPerSide: number): Table {
  return {
    headers: ['Run', 'Side', 'Wall time', 'Rows/s', 'Peak RSS'],
    align: ['right', 'left', 'right', 'right', 'right'],
    rows: runs.map((r, i) => [
      String((i % runsPerSide) + 1),
      r.side,
      formatMs(r.ms),
      formatInteger(rowsPerSecond(r)),
      formatKiB(r.maxRssKiB),
    ]),
  };
}
