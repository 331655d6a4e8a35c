/**
 * A quiet night: 100 buildings x 200 residents and nothing to change. The run must ask OpenApp for
 * each building's users once and do nothing else: no users search, no mutation. Baseline: one list
 * call per building.
 */
import {
  formatInteger,
  formatMs,
  type Benchmark,
  type BenchResult,
  type TargetCheck,
} from './harness/benchmark.js';
import { targetLines, targetsTable } from './harness/targets.js';
import { markdownTable, textTable, type Table } from './harness/tables.js';
import { runWithWorkers } from './apply-throughput/run-with-workers.js';

const BUILDINGS = 100;
const RESIDENTS = 200;

export const nightlyNoChange: Benchmark = {
  name: 'nightly-no-change',
  title: 'A nightly run with nothing to change: 100 buildings x 200 residents',
  async run(): Promise<BenchResult> {
    process.stderr.write(
      `  [nightly-no-change] ${BUILDINGS} buildings x ${RESIDENTS} residents, one worker\n`,
    );
    const result = await runWithWorkers({
      shape: {
        buildings: BUILDINGS,
        unchangedPerBuilding: RESIDENTS,
        addsPerBuilding: 0,
        removalsPerBuilding: 0,
      },
      workers: 1,
      faults: {},
      env: {},
      timeoutMs: 300_000,
    });
    const kinds = new Map<string, number>();
    for (const r of result.requests) {
      const kind = `${r.method} ${r.path.replace(/\/integrations\/[^/]+/, '/integrations/{id}')}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const lists = kinds.get('GET /api/v1/integrations/{id}/people') ?? 0;
    const others = result.requests.length - lists;
    const targets: TargetCheck[] = [
      {
        target: `only the list calls: ${BUILDINGS} (one per building), nothing else`,
        measured: `${lists} list calls, ${others} other requests, run ${result.run.status}`,
        pass: lists === BUILDINGS && others === 0 && result.run.status === 'applied',
      },
    ];
    const calls: Table = {
      headers: ['Request', 'Count', 'vs one per building'],
      align: ['left', 'right', 'right'],
      rows: [...kinds].map(([kind, n]) => [kind, formatInteger(n), `${(n / BUILDINGS).toFixed(2)}x`]),
    };
    const targetTable = targetsTable(targets);
    const markdown = [
      `A feed of ${BUILDINGS} buildings with ${RESIDENTS} residents each (${formatInteger(BUILDINGS * RESIDENTS)} rows), ` +
        'every one of them already in OpenApp, run once by a `pms-sync worker` child process against the OpenApp ' +
        "simulator; the simulator's request log lists what the run asked. The run took " +
        `${formatMs(result.windowMs)} from its first request to its last answer.`,
      '',
      markdownTable(targetTable),
      '',
      markdownTable(calls),
    ].join('\n');
    const text = [...textTable(calls), ...targetLines(targets)];
    return { text, markdown, targets };
  },
};
