/**
 * What a benchmark is to the harness (bench/run.ts): a name to select it by, a title, and a run
 * that measures its figures against a baseline measured in the same run and checks its targets.
 */

/** A target the figures are held to. A failed target is reported, never turned into an exit code. */
export interface TargetCheck {
  /** What is checked, e.g. "plan throughput >= 50% of the bare parse". */
  target: string;
  /** The measured value, as a reader should see it, e.g. "63% (125,000 vs 198,000 rows/s)". */
  measured: string;
  pass: boolean;
}

export interface BenchResult {
  /** Plain-text lines for the terminal: the result table and anything worth seeing at once. */
  text: string[];
  /** The benchmark's section of BENCHMARKS.md, without its heading. */
  markdown: string;
  targets: TargetCheck[];
}

export interface Benchmark {
  /** Selects the benchmark on the command line (`npm run bench -- NAME`) and anchors its section. */
  name: string;
  /** The section heading in BENCHMARKS.md. */
  title: string;
  run(): Promise<BenchResult>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

/** 1234567.8 -> "1,234,568" */
export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** KiB (as `process.resourceUsage().maxRSS` reports it) -> "123.4 MiB" */
export function formatKiB(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}
