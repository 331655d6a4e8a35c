/** How every benchmark shows its targets: a table for BENCHMARKS.md, a line each on the terminal. */
import type { TargetCheck } from './benchmark.js';
import type { Table } from './tables.js';

const verdict = (t: TargetCheck) => (t.pass ? 'PASS' : 'FAIL');

export function targetsTable(targets: readonly TargetCheck[]): Table {
  return {
    headers: ['Target', 'Measured', 'Result'],
    rows: targets.map((t) => [t.target, t.measured, verdict(t)]),
  };
}

export function targetLines(targets: readonly TargetCheck[]): string[] {
  return targets.map((t) => `${verdict(t)}  ${t.target}: ${t.measured}`);
}
