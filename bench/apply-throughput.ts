/**
 * Apply throughput: how fast a run applies a large plan against OpenApp, through the real worker.
 * - At the rate limit: the simulator answers after 20 ms and allows 50 requests/s per key; one
 *   worker with OPENAPP_RATE_LIMIT=50 applies 5,000 changes. Baseline: the configured limit.
 *   Targets: >= 90% of the limit sustained, <= 1% of requests answered 429, exactly one accepted
 *   mutation per change.
 * - Horizontal scale: the same 5,000 changes with a generous limit, applied by one, two and four
 *   worker processes. Baseline: one worker. Checked: no mutation repeated, every run applied.
 */
import {
  formatInteger,
  formatMs,
  formatPercent,
  type Benchmark,
  type BenchResult,
  type TargetCheck,
} from './harness/benchmark.js';
import { targetLines, targetsTable } from './harness/targets.js';
import { markdownTable, textTable, type Table } from './harness/tables.js';
import type { FixtureShape } from './apply-throughput/changes-fixture.js';
import { isMutation, runWithWorkers, type WorkerRunResult } from './apply-throughput/run-with-workers.js';

const LATENCY_MS = 20;
const LIMIT_PER_SECOND = 50;
/** 20 buildings x (125 adds + 125 removals) = 5,000 changes, next to 50 unchanged residents each. */
const SHAPE: FixtureShape = {
  buildings: 20,
  unchangedPerBuilding: 50,
  addsPerBuilding: 125,
  removalsPerBuilding: 125,
};
const WORKER_COUNTS = [1, 2, 4];
const log = (line: string) => process.stderr.write(`  [apply-throughput] ${line}\n`);

interface RunFigures {
  label: string;
  result: WorkerRunResult;
  /** Requests per second OpenApp accepted (not 429) over the run's window. */
  rate: number;
  throttled: number;
  /** Mutations OpenApp accepted, and how many of those repeated an earlier one. */
  mutations: number;
  repeated: number;
}

function figures(label: string, result: WorkerRunResult): RunFigures {
  const accepted = result.requests.filter((r) => r.status !== 429);
  const mutations = accepted.filter(isMutation);
  const seen = new Set<string>();
  let repeated = 0;
  for (const m of mutations) {
    const key = `${m.method} ${m.path} ${JSON.stringify(m.body ?? null)}`;
    if (seen.has(key)) repeated++;
    seen.add(key);
  }
  return {
    label,
    result,
    rate: accepted.length / (result.windowMs / 1000),
    throttled: result.requests.length - accepted.length,
    mutations: mutations.length,
    repeated,
  };
}

function row(f: RunFigures, vs: string): string[] {
  const r = f.result;
  return [
    f.label,
    r.run.status,
    formatInteger(r.changes),
    formatInteger(r.requests.length),
    formatInteger(f.mutations),
    String(f.repeated),
    `${formatInteger(f.throttled)} (${((f.throttled * 100) / Math.max(1, r.requests.length)).toFixed(2)}%)`,
    formatMs(r.windowMs),
    f.rate.toFixed(1),
    vs,
  ];
}

const HEADERS = [
  'Run',
  'Status',
  'Changes',
  'Requests',
  'Mutations accepted',
  'Repeated',
  'Answered 429',
  'Window',
  'Accepted req/s',
  'vs baseline',
];
const ALIGN: Table['align'] = [
  'left',
  'left',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
];

export const applyThroughput: Benchmark = {
  name: 'apply-throughput',
  title: 'Apply throughput: 5,000 changes at the rate limit, and with 1, 2 and 4 workers',
  async run(): Promise<BenchResult> {
    log(`at the limit: ${LIMIT_PER_SECOND} requests/s, ${LATENCY_MS} ms latency, one worker`);
    const limited = figures(
      'one worker, OPENAPP_RATE_LIMIT=50',
      await runWithWorkers({
        shape: SHAPE,
        workers: 1,
        faults: { latencyMs: LATENCY_MS, rateLimitPerSecond: LIMIT_PER_SECOND },
        env: { OPENAPP_RATE_LIMIT: String(LIMIT_PER_SECOND) },
        timeoutMs: 600_000,
      }),
    );
    log(`  ${limited.rate.toFixed(1)} accepted requests/s, ${limited.throttled} answered 429`);

    const scaled: RunFigures[] = [];
    for (const workers of WORKER_COUNTS) {
      log(`generous limit: ${workers} worker process${workers > 1 ? 'es' : ''}`);
      const f = figures(
        `${workers} worker${workers > 1 ? 's' : ''}, no limit`,
        await runWithWorkers({
          shape: SHAPE,
          workers,
          faults: { latencyMs: LATENCY_MS },
          env: {},
          timeoutMs: 600_000,
        }),
      );
      log(`  ${formatMs(f.result.windowMs)}, ${f.rate.toFixed(0)} accepted requests/s`);
      scaled.push(f);
    }

    const limitedShare = limited.throttled / Math.max(1, limited.result.requests.length);
    const one = scaled[0];
    if (one === undefined) throw new Error('no scaled runs');
    const targets: TargetCheck[] = [
      {
        target: `at the limit: accepted requests/s >= 90% of the simulator's ${LIMIT_PER_SECOND}/s`,
        measured: `${formatPercent(limited.rate / LIMIT_PER_SECOND)} (${limited.rate.toFixed(1)}/s)`,
        pass: limited.rate >= 0.9 * LIMIT_PER_SECOND,
      },
      {
        target: 'at the limit: <= 1% of requests answered 429',
        measured: `${(limitedShare * 100).toFixed(2)}% (${limited.throttled} of ${limited.result.requests.length})`,
        pass: limitedShare <= 0.01,
      },
      {
        target: 'at the limit: exactly one accepted mutation per change, run applied',
        measured: `${formatInteger(limited.mutations)} mutations for ${formatInteger(limited.result.changes)} changes, ${limited.repeated} repeated, run ${limited.result.run.status}`,
        pass:
          limited.mutations === limited.result.changes &&
          limited.repeated === 0 &&
          limited.result.run.status === 'applied',
      },
      {
        target: 'horizontal scale: every run applied, one accepted mutation per change, none repeated',
        measured: scaled
          .map((f) => `${f.label}: ${f.result.run.status}, ${f.mutations} mutations, ${f.repeated} repeated`)
          .join('; '),
        pass: scaled.every(
          (f) => f.result.run.status === 'applied' && f.mutations === f.result.changes && f.repeated === 0,
        ),
      },
    ];

    const limitTable: Table = {
      headers: HEADERS,
      align: ALIGN,
      rows: [row(limited, `${formatPercent(limited.rate / LIMIT_PER_SECOND)} of ${LIMIT_PER_SECOND}/s`)],
    };
    const scaleTable: Table = {
      headers: [...HEADERS.slice(0, -1), 'Speed-up vs 1 worker'],
      align: ALIGN,
      rows: scaled.map((f) => row(f, `${(one.result.windowMs / f.result.windowMs).toFixed(2)}x`)),
    };
    const targetTable = targetsTable(targets);
    const markdown = [
      `A feed of ${SHAPE.buildings} buildings whose plan has ${formatInteger(one.result.changes)} changes ` +
        `(${SHAPE.addsPerBuilding} adds and ${SHAPE.removalsPerBuilding} removals per building, next to ` +
        `${SHAPE.unchangedPerBuilding} unchanged residents), applied by \`pms-sync worker\` child processes ` +
        '(WORKER_CONCURRENCY 4, OPENAPP_CONCURRENCY 8) against the OpenApp simulator, which answers every request after ' +
        `${LATENCY_MS} ms. Each run is triggered by hand and timed from OpenApp's side: the window runs from the ` +
        "run's first request to its last answer in the simulator's request log, which also counts mutations " +
        '(a mutation is a POST or DELETE of a building user; "repeated" is one accepted twice).',
      '',
      `**At the rate limit**: the simulator allows ${LIMIT_PER_SECOND} requests/s per API key (a token bucket ` +
        'holding one second of requests, answering 429 with Retry-After beyond it); the worker runs with ' +
        `OPENAPP_RATE_LIMIT=${LIMIT_PER_SECOND}, which spaces its requests evenly. The baseline is the configured limit.`,
      '',
      markdownTable(targetTable),
      '',
      markdownTable(limitTable),
      '',
      '**Horizontal scale**: the same run with no rate limit, applied by one, two and four worker processes ' +
        '(a building is one job, so the processes share the 20 buildings). The baseline is one worker. ' +
        'The machine has the cores listed above, shared by the workers, Redis and the simulator.',
      '',
      markdownTable(scaleTable),
    ].join('\n');
    const text = [...textTable(limitTable), '', ...textTable(scaleTable), ...targetLines(targets)];
    return { text, markdown, targets };
  },
};
