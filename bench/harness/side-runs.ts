/** The two sides of a throughput benchmark (a baseline and the real work), run alternately in child processes. */
import { formatInteger, formatKiB, formatMs, formatPercent, median } from './benchmark.js';
import { markdownTable, type Table } from './tables.js';

export interface SideRun {
  side: string;
  /** Rows handled, and the wall time they took. */
  rows: number;
  ms: number;
  maxRssKiB: number;
  startRssKiB: number;
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

/** The medians of both sides, the work set against its baseline. */
export function sidesTable(
  baselineName: string,
  sides: { label: string; runs: readonly SideRun[] }[],
): Table {
  const base = sides[0];
  if (base === undefined) throw new Error('no sides');
  const baseRate = median(base.runs.map(rowsPerSecond));
  return {
    headers: ['Side', 'Rows/s', `vs ${baselineName}`, 'Wall time', 'Peak RSS', 'RSS at start'],
    align: ['left', 'right', 'right', 'right', 'right', 'right'],
    rows: sides.map(({ label, runs }) => {
      const rate = median(runs.map(rowsPerSecond));
      return [
        label,
        formatInteger(rate),
        formatPercent(rate / baseRate),
        formatMs(median(runs.map((r) => r.ms))),
        formatKiB(median(runs.map((r) => r.maxRssKiB))),
        formatKiB(median(runs.map((r) => r.startRssKiB))),
      ];
    }),
  };
}

/** BENCHMARKS.md lines: every run of both sides, collapsed under the section. */
export function everyRunDetails(runs: readonly SideRun[], runsPerSide: number): string[] {
  return [
    '<details><summary>Every run</summary>',
    '',
    markdownTable(sideRunsTable(runs, runsPerSide)),
    '',
    '</details>',
  ];
}
