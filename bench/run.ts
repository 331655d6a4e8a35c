/**
 * `npm run bench`: runs every benchmark and rewrites BENCHMARKS.md.
 * `npm run bench -- NAME...`: runs only those, prints their results, leaves BENCHMARKS.md alone.
 * A failed target is reported, not an error; the exit code is non-zero only when a benchmark
 * could not run (then BENCHMARKS.md is left alone too).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './harness/benchmark.js';
import { BENCH_COMMAND, benchmarksFile } from './harness/benchmarks-file.js';
import { describeMachine } from './harness/machine.js';
import { databaseThroughput } from './database-throughput.js';
import { applyThroughput } from './apply-throughput.js';
import { nightlyNoChange } from './nightly-no-change.js';
import { planThroughput } from './plan-throughput.js';
import { webhookThroughput } from './webhook-throughput.js';

/** Every benchmark, in the order they run and appear in BENCHMARKS.md. */
const BENCHMARKS: readonly Benchmark[] = [
  planThroughput,
  webhookThroughput,
  databaseThroughput,
  applyThroughput,
  nightlyNoChange,
];

const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n` +
        `usage: ${BENCH_COMMAND} [-- NAME...]   where NAME is one of: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));

  const machine = describeMachine();
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB RAM, ` +
      `Node ${machine.node}, ${machine.os}, load ${machine.loadAverage.toFixed(2)}`,
  );
  const results: { benchmark: Benchmark; result: BenchResult }[] = [];
  let broken = 0;
  for (const benchmark of selected) {
    console.log(`\n== ${benchmark.name}: ${benchmark.title}`);
    try {
      const result = await benchmark.run();
      results.push({ benchmark, result });
      console.log(result.text.join('\n'));
    } catch (err) {
      broken++;
      console.error(`${benchmark.name} could not run:`, err);
    }
  }

  const failed = results.flatMap((r) => r.result.targets.filter((t) => !t.pass).map(() => r.benchmark.name));
  console.log(
    `\n${failed.length === 0 ? 'all targets met' : `${failed.length} target(s) missed (reported, not an error)`}`,
  );
  if (broken > 0) {
    console.log(`BENCHMARKS.md left as it is: ${broken} benchmark(s) could not run.`);
    return 1;
  }
  if (names.length > 0) {
    console.log(`BENCHMARKS.md left as it is: only a full \`${BENCH_COMMAND}\` rewrites it.`);
    return 0;
  }
  const date = new Date().toISOString().slice(0, 10);
  await writeFile(BENCHMARKS_FILE, benchmarksFile({ date, machine, results }));
  console.log('BENCHMARKS.md written.');
  return 0;
}

process.exitCode = await main();
