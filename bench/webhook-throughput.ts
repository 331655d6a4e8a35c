/**
 * Webhook throughput and latency:
 * 1. signed webhook deliveries per second through pms-sync's HTTP service (verification, dedupe
 *    check, enqueue), with autocannon on loopback, next to a bare fastify route answering 202 in
 *    the same run (the baseline). Informational: the issue sets no target for the ratio.
 * 2. the time from a move-out webhook to the DELETE of that resident reaching the OpenApp
 *    simulator, with a worker running. Target: p95 under 2 s.
 *
 * Each server side runs in its own process (bench/webhook-throughput/serve-side.ts); autocannon
 * runs in this process's main thread, which does nothing else meanwhile. See
 * bench/webhook-throughput/load.ts and end-to-end.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { keys } from '../src/queue/queue-names.js';
import { ORG_ID, testSimulator } from '../test/helpers/simulator.js';
import { REDIS_URL, deletePrefix, removeDir, writeFeed } from '../test/helpers/worker.js';
import {
  formatInteger,
  formatKiB,
  formatMs,
  formatPercent,
  type Benchmark,
  type BenchResult,
  type TargetCheck,
} from './harness/benchmark.js';
import { targetLines, targetsTable } from './harness/targets.js';
import { markdownTable, textTable, type Table } from './harness/tables.js';
import {
  POLL_MS,
  measureEndToEnd,
  type Delivery,
  type EndToEndReport,
} from './webhook-throughput/end-to-end.js';
import { ServerChild, fire, redisCpuMs, type LoadResult } from './webhook-throughput/load.js';
import type { SideInput, SideReport } from './webhook-throughput/side-protocol.js';
import { MOVE_OUT_BODY, WEBHOOKS_FEED_LINE } from './webhook-throughput/signing.js';

const CONNECTIONS = 50;
const DURATION_SECONDS = 10;
const WARM_UP_SECONDS = 2;
const REPETITIONS = 20;
const MAX_P95_MS = 2_000;
const DRAIN_MS = 500;

interface SideRun {
  label: string;
  input: SideInput;
  load: LoadResult;
  server: SideReport;
  /** Redis's CPU time during the measured window, ms. */
  redisCpuMs: number;
  /** Webhook sides: runs left in the run index when the side stopped (the store keeps 1000). */
  runsKept?: number;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const log = (line: string) => process.stderr.write(`  [webhook-throughput] ${line}\n`);

async function measureSide(label: string, input: SideInput, prefix: string, redis: Redis): Promise<SideRun> {
  const child = await ServerChild.start(input);
  try {
    await fire(child.port, { connections: CONNECTIONS, durationSeconds: WARM_UP_SECONDS });
    // autocannon stops without waiting for its last requests: let the server finish them first.
    await sleep(DRAIN_MS);
    await child.mark();
    const redisBefore = await redisCpuMs(redis);
    const load = await fire(child.port, { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS });
    const redisAfter = await redisCpuMs(redis);
    const server = await child.stop();
    const runsKept = input.side === 'webhook' ? await redis.zcard(keys.runIndex(prefix)) : undefined;
    const r = load.result;
    log(
      `${label}: ${formatInteger(r['2xx'] / r.duration)} 2xx/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
        `${r.non2xx} non-2xx, ${r.errors} errors`,
    );
    return {
      label,
      input,
      load,
      server,
      redisCpuMs: redisAfter - redisBefore,
      ...(runsKept === undefined ? {} : { runsKept }),
    };
  } finally {
    child.kill();
  }
}

export const webhookThroughput: Benchmark = {
  name: 'webhook-throughput',
  title: 'Webhook throughput and webhook-to-OpenApp latency',
  async run(): Promise<BenchResult> {
    const files = await writeFeed();
    const sim = await testSimulator();
    const redis = new Redis(REDIS_URL);
    const prefixes: string[] = [];
    try {
      await writeFile(files.feedsFile, `${await readFile(files.feedsFile, 'utf8')}${WEBHOOKS_FEED_LINE}`);
      const webhookInput = (prefix: string, logLevel: 'info' | 'warn'): SideInput => ({
        side: 'webhook',
        feedsFile: files.feedsFile,
        redisUrl: REDIS_URL,
        prefix,
        apiRoot: sim.apiRoot,
        apiKey: sim.key,
        orgId: ORG_ID,
        logLevel,
      });
      const sides: SideRun[] = [];
      const plan: { label: string; input: (prefix: string) => SideInput }[] = [
        { label: 'bare fastify route, 202 (baseline)', input: () => ({ side: 'bare' }) },
        { label: 'pms-sync webhook, LOG_LEVEL=info', input: (p) => webhookInput(p, 'info') },
        { label: 'pms-sync webhook, LOG_LEVEL=warn', input: (p) => webhookInput(p, 'warn') },
      ];
      for (const { label, input } of plan) {
        const prefix = `pms-sync-bench-${ulid()}`;
        prefixes.push(prefix);
        log(
          `${label}: ${WARM_UP_SECONDS} s warm-up, then ${DURATION_SECONDS} s with ${CONNECTIONS} connections`,
        );
        sides.push(await measureSide(label, input(prefix), prefix, redis));
        await deletePrefix(prefix);
      }
      log(`webhook to DELETE: 1 warm-up delivery, then ${REPETITIONS}`);
      const e2e = await measureEndToEnd(REPETITIONS);
      return summarise(sides, e2e);
    } finally {
      for (const prefix of prefixes) await deletePrefix(prefix);
      redis.disconnect();
      await sim.close();
      await removeDir(files.dir);
    }
  },
};

const perSecond = (s: SideRun) => s.load.result['2xx'] / s.load.result.duration;
/** The server's CPU time per 2xx answer, ms: less sensitive than req/s to other work on the machine. */
const cpuPerRequest = (s: SideRun) =>
  (s.server.cpuUserMs + s.server.cpuSystemMs) / Math.max(1, s.load.result['2xx']);
const coreShare = (cpuMs: number, wallMs: number) => formatPercent(cpuMs / wallMs);

function outcomesText(outcomes: Record<string, number>): string {
  const entries = Object.entries(outcomes);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k} ${formatInteger(v)}`).join(', ');
}

function summarise(sides: SideRun[], e2e: EndToEndReport): BenchResult {
  const [bare, info, warn] = sides;
  if (!bare || !info || !warn) throw new Error('a throughput side is missing');
  const bareRate = perSecond(bare);
  const ratio = perSecond(info) / bareRate;
  const webhookSides = [info, warn];
  const clean = webhookSides.every(
    (s) =>
      s.load.result.errors === 0 &&
      s.load.result.non2xx === 0 &&
      (s.server.outcomes.accepted ?? 0) >= s.load.result['2xx'] &&
      Object.keys(s.server.outcomes).every((k) => k === 'accepted'),
  );

  const deletes = e2e.deliveries.map((d) => d.deleteMs);
  const p95 = percentile(deletes, 95);
  const applied = e2e.deliveries.filter((d) => d.runStatus === 'applied' && d.deleteStatus === 204).length;

  const targets: TargetCheck[] = [
    {
      target: `webhook to DELETE at OpenApp, p95 < ${formatMs(MAX_P95_MS)}`,
      measured:
        `p95 ${formatMs(p95)}, p50 ${formatMs(percentile(deletes, 50))}, max ${formatMs(Math.max(...deletes))} ` +
        `(${applied}/${deletes.length} runs applied)`,
      pass: p95 < MAX_P95_MS && applied === deletes.length,
    },
    {
      target:
        'webhook deliveries/s vs a bare fastify 202 (ratio informational; checked: every delivery accepted, none failed)',
      measured:
        `${formatPercent(ratio)} (${formatInteger(perSecond(info))} vs ${formatInteger(bareRate)}/s; server CPU ` +
        `per request ${cpuPerRequest(info).toFixed(3)} vs ${cpuPerRequest(bare).toFixed(3)} ms), ` +
        `${info.load.result.errors + warn.load.result.errors} errors, ` +
        `${info.load.result.non2xx + warn.load.result.non2xx} non-2xx`,
      pass: clean,
    },
  ];

  const throughput: Table = {
    headers: ['Side', 'req/s (2xx)', 'vs bare', 'p50', 'p99', 'max', '2xx', 'non-2xx', 'errors (timeouts)'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows: sides.map((s) => {
      const r = s.load.result;
      return [
        s.label,
        formatInteger(perSecond(s)),
        formatPercent(perSecond(s) / bareRate),
        `${r.latency.p50} ms`,
        `${r.latency.p99} ms`,
        `${r.latency.max} ms`,
        formatInteger(r['2xx']),
        formatInteger(r.non2xx),
        `${formatInteger(r.errors)} (${formatInteger(r.timeouts)})`,
      ];
    }),
  };
  const cpu: Table = {
    headers: [
      'Side',
      'server CPU',
      'autocannon CPU',
      'Redis CPU',
      'server CPU per 2xx',
      'server peak RSS',
      'server counted (measured window)',
      'runs kept after',
    ],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'right'],
    rows: sides.map((s) => {
      const wallMs = s.load.result.duration * 1000;
      return [
        s.label,
        coreShare(s.server.cpuUserMs + s.server.cpuSystemMs, s.server.wallMs),
        coreShare(s.load.cpuMs, wallMs),
        coreShare(s.redisCpuMs, wallMs),
        `${cpuPerRequest(s).toFixed(3)} ms`,
        formatKiB(s.server.maxRssKiB),
        outcomesText(s.server.outcomes),
        s.runsKept === undefined ? '-' : formatInteger(s.runsKept),
      ];
    }),
  };

  const stat = (label: string, pick: (d: Delivery) => number): string[] => {
    const values = e2e.deliveries.map(pick);
    return [
      label,
      formatMs(percentile(values, 50)),
      formatMs(percentile(values, 95)),
      formatMs(Math.max(...values)),
      formatMs(pick(e2e.warmUp)),
    ];
  };
  const endToEnd: Table = {
    headers: ['From sending the webhook to', 'p50', 'p95', 'max', 'warm-up delivery (not counted)'],
    align: ['left', 'right', 'right', 'right', 'right'],
    rows: [
      stat('its 202 answer', (d) => d.answerMs),
      stat('the worker starting the run (run.startedAt)', (d) => d.startedMs),
      stat('**the DELETE in the simulator log**', (d) => d.deleteMs),
      stat('the run settled (status read from Redis)', (d) => d.settledMs),
    ],
  };
  const every: Table = {
    headers: ['#', '202', 'run started', 'DELETE', 'settled', 'run status', 'DELETE status'],
    align: ['right', 'right', 'right', 'right', 'right', 'left', 'right'],
    rows: e2e.deliveries.map((d, i) => [
      String(i + 1),
      formatMs(d.answerMs),
      formatMs(d.startedMs),
      formatMs(d.deleteMs),
      formatMs(d.settledMs),
      d.runStatus,
      String(d.deleteStatus),
    ]),
  };
  const targetTable = targetsTable(targets);

  const markdown = [
    '**Throughput.** [autocannon](https://github.com/mcollina/autocannon) 9 posts the move-out event ' +
      `(\`resident.moved_out\`, Maple Court 101, ${Buffer.byteLength(MOVE_OUT_BODY)} bytes) to \`POST /webhooks/demo\` on 127.0.0.1 with ` +
      `**${CONNECTIONS} connections, pipelining 1, for ${DURATION_SECONDS} s** after an unmeasured ` +
      `${WARM_UP_SECONDS} s warm-up, once per side. Every request is signed (Standard Webhooks, HMAC-SHA256) by ` +
      "autocannon's `setupRequest` under a fresh `webhook-id` and the current `webhook-timestamp`, so every " +
      'delivery on the pms-sync side goes through verification, the dedupe check and the enqueue (which ' +
      'coalesces per scope: at most one job waits per feed and building, but each delivery still writes its ' +
      'own run record). No worker runs, so jobs are not consumed; runs pile up to the run store’s retention ' +
      '(1,000). The baseline is a bare fastify route answering 202 `{"accepted":true}` to the same signed ' +
      'requests (default JSON body parser, no logger).',
    '',
    'Each server side runs in a child process (`bench/webhook-throughput/serve-side.ts`, stdout to ' +
      '/dev/null), built as `pms-sync server` builds it: real Redis (a fresh key prefix per side, deleted ' +
      'afterwards), metrics, and the JSON logger on stdout with the secrets to scrub. It is measured at ' +
      'LOG_LEVEL=info (the default: fastify logs two lines per request) and at warn. autocannon runs in ' +
      'the main thread of the benchmark process (`workers: 0`, its default), which does nothing else ' +
      'meanwhile: server, autocannon and Redis are three processes sharing the machine’s cores. Deliveries/s ' +
      'is 2xx answers divided by the run’s duration. At saturation latency is mostly queueing ' +
      `(${CONNECTIONS} connections ÷ throughput), so compare the ratio, not the milliseconds. After the ` +
      `warm-up the server gets ${DRAIN_MS} ms to finish the requests autocannon left in flight.`,
    '',
    '**Webhook to OpenApp.** The HTTP service and a worker (concurrency 2) run in the benchmark process, ' +
      'as `pms-sync start` runs them, with real Redis and the OpenApp simulator; the sample export says Ana ' +
      `Gomez (Maple Court 101) has moved out. ${REPETITIONS} times, after one unmeasured warm-up delivery: ` +
      'put Ana back on the building in the simulator, send the signed webhook under a fresh delivery id, ' +
      `and look at the simulator's request log every ${POLL_MS} ms until it shows \`DELETE ` +
      '/api/v1/integrations/{Maple Court}/people/{Ana}`; then wait for the run to settle before the next ' +
      'delivery. Percentiles are nearest-rank.',
    '',
    markdownTable(targetTable),
    '',
    markdownTable(throughput),
    '',
    markdownTable(cpu),
    '',
    'CPU is CPU time over wall time of the measured window, as a share of one core (a process can pass 100%: ' +
      "GC and libuv threads). Redis CPU is all of Redis's, from `INFO cpu`. Server counted: " +
      '`pms_sync_webhook_deliveries_total` by outcome in the measured window (it may exceed the 2xx count by ' +
      'the requests still in flight when autocannon stopped). Runs kept after: run records in the run index ' +
      'when the side stopped; the run store keeps the newest 1,000 (src/queue/run-store.ts), so at these ' +
      'rates a burst of webhooks pushes every older run out of `pms-sync runs` within a second or two. ' +
      "When autocannon's CPU is near 100% (the baseline, on a 2-core machine) the side is limited by the " +
      'client as much as by the server: the bare figure is then a lower bound and the ratio an upper bound.',
    '',
    markdownTable(endToEnd),
    '',
    `The simulator saw ${e2e.deletes} DELETEs in all, ${e2e.deletes === REPETITIONS + 2 ? 'as expected' : `**expected ${REPETITIONS + 2}**`}: ` +
      "Ana's, once per delivery, and in the warm-up run also Eve Martin's (Maple Court 102, past since 2026-10-31).",
    '',
    '<details><summary>Every delivery</summary>',
    '',
    markdownTable(every),
    '',
    '</details>',
  ].join('\n');

  const text = [
    `autocannon: ${CONNECTIONS} connections, pipelining 1, ${DURATION_SECONDS} s per side after ${WARM_UP_SECONDS} s warm-up, main thread (workers: 0)`,
    ...textTable(throughput),
    '',
    ...textTable(cpu),
    '',
    `webhook to OpenApp DELETE, ${REPETITIONS} deliveries (poll every ${POLL_MS} ms):`,
    ...textTable({ ...endToEnd, rows: endToEnd.rows.map((r) => r.map((c) => c.replace(/\*\*/g, ''))) }),
    '',
    ...targetLines(targets),
  ];
  return { text, markdown, targets };
}
