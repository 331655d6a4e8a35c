/** BENCHMARKS.md: the results of one full `npm run bench`, one section per benchmark. */
import type { Benchmark, BenchResult } from './benchmark.js';
import type { Machine } from './machine.js';
import { markdownTable } from './tables.js';

export const BENCH_COMMAND = 'npm run bench';

export function benchmarksFile(input: {
  date: string;
  machine: Machine;
  results: { benchmark: Benchmark; result: BenchResult }[];
}): string {
  const { machine } = input;
  const summaryRows = input.results.flatMap(({ benchmark, result }) =>
    result.targets.map((t) => [
      `[${benchmark.name}](#${anchor(benchmark.title)})`,
      t.target,
      t.measured,
      t.pass ? 'PASS' : '**FAIL**',
    ]),
  );
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`${BENCH_COMMAND}\` (bench/run.ts) on ${input.date}. Do not edit by hand: run it again.`,
    '',
    '- Every figure is set against a baseline measured in the same run on the same machine. Compare ratios ' +
      'between machines; compare absolute figures only on the same machine.',
    `- \`${BENCH_COMMAND}\` runs every benchmark and rewrites this whole file. \`${BENCH_COMMAND} -- NAME...\` ` +
      'runs only the named benchmarks, prints their results and leaves this file alone, so that the file ' +
      'always comes from one run on one machine.',
    '- Targets are reported PASS or FAIL here and on the terminal. A FAIL does not change the exit code: ' +
      'benchmarks are not a CI gate. The command exits non-zero only when a benchmark could not run.',
    '- A new benchmark is a module `bench/NAME.ts` exporting a `Benchmark` (bench/harness/benchmark.ts), ' +
      'listed in bench/run.ts; it gets its own section below.',
    '',
    '## Machine',
    '',
    markdownTable({
      headers: ['', ''],
      rows: [
        ['CPU', machine.cpu],
        ['Cores', `${machine.cores} logical`],
        ['RAM', `${machine.ramGiB.toFixed(1)} GiB`],
        ['Node', machine.node],
        ['OS', machine.os],
        ['Load at start', `${machine.loadAverage.toFixed(2)} (1-minute average)`],
        ['Command', `\`${BENCH_COMMAND}\``],
      ],
    }),
    '',
    '## Summary',
    '',
    markdownTable({ headers: ['Benchmark', 'Target', 'Measured', 'Result'], rows: summaryRows }),
  ];
  for (const { benchmark, result } of input.results) {
    lines.push('', `## ${benchmark.title}`, '', result.markdown);
  }
  return `${lines.join('\n')}\n`;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}
