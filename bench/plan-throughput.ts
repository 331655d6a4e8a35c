/**
 * Plan throughput: a nightly plan for a 200,000-row export across 50 buildings, in rows/s and peak
 * RSS, next to a bare csv-parse pass over the same file in the same run (the baseline).
 * Targets: the whole plan at >= 50% of the bare parse's throughput, peak RSS under 512 MiB.
 *
 * Each side runs in its own process (bench/plan-throughput/measure-side.ts), seven times,
 * alternating bare and plan; the figures are the medians. The OpenApp simulator runs here, in the
 * parent: its memory is not the plan's, but its answers are part of the plan's wall time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseMapping } from '../src/mappings/load-mapping.js';
import { parseSnapshot } from '../src/simulator/sim-snapshot.js';
import { startSimulator } from '../src/simulator/simulator-server.js';
import { runMeasuredChild } from './harness/child-process.js';
import { collectGarbage } from './harness/collect-garbage.js';
import {
  formatInteger,
  formatKiB,
  formatMs,
  formatPercent,
  median,
  type Benchmark,
  type BenchResult,
  type TargetCheck,
} from './harness/benchmark.js';
import { everyRunDetails, rowsPerSecond, sidesTable } from './harness/side-runs.js';
import { targetLines, targetsTable } from './harness/targets.js';
import { markdownTable, textTable, type Table } from './harness/tables.js';
import {
  API_SECRET,
  BUILDING_COUNT,
  ORG_ID,
  PLAN_NOW,
  ROWS_PER_BUILDING,
  benchMapping,
  generateExport,
  type GeneratedExport,
} from './plan-throughput/resident-export.js';
import { sideReportSchema, type SideInput, type SideReport } from './plan-throughput/side-report.js';

/** Odd, for a true median; seven because this shared 2-core machine drifts by ±15% from minute to minute. */
const RUNS = 7;
const MIN_RATIO = 0.5;
const MAX_RSS_KIB = 512 * 1024;
const SIDE_SCRIPT = fileURLToPath(new URL('./plan-throughput/measure-side.ts', import.meta.url));
/** Both sides alike; the plan side forces a GC after its peak is read, to report its live heap. */
const NODE_FLAGS = [
  '--expose-gc',
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : []),
];

type PlanReport = SideReport & Required<Pick<SideReport, 'phases' | 'calls' | 'memory' | 'counts'>>;

function asPlanReport(r: SideReport): PlanReport {
  if (!r.phases || !r.calls || !r.memory || !r.counts) throw new Error('the plan side reported no breakdown');
  return { ...r, phases: r.phases, calls: r.calls, memory: r.memory, counts: r.counts };
}

export const planThroughput: Benchmark = {
  name: 'plan-throughput',
  title: 'Plan throughput: 200,000-row export, 50 buildings',
  async run(): Promise<BenchResult> {
    const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-bench-'));
    try {
      const log = (line: string) => process.stderr.write(`  [plan-throughput] ${line}\n`);
      log(`generating ${formatInteger(BUILDING_COUNT * ROWS_PER_BUILDING)} rows in ${dir}`);
      const data = await generateExport(path.join(dir, 'residents.csv'));
      const mappingFile = path.join(dir, 'bench-generic.yaml');
      const mappingRaw = benchMapping();
      parseMapping(mappingRaw, mappingFile); // a mistake here should fail now, not in every child
      await writeFile(mappingFile, stringify(mappingRaw));

      const sim = await startSimulator({
        seed: parseSnapshot(data.seed, 'plan-throughput seed'),
        generation: '2026',
      });
      data.seed = undefined; // the simulator holds its own copy

      const bare: SideReport[] = [];
      const plan: PlanReport[] = [];
      try {
        const planInput: SideInput = {
          side: 'plan',
          csv: data.csv,
          mappingFile,
          apiRoot: sim.apiRoot,
          apiKey: `${sim.origin}_openapp_${API_SECRET}`,
          orgId: ORG_ID,
          now: PLAN_NOW,
        };
        for (let run = 1; run <= RUNS; run++) {
          collectGarbage();
          const b = await runMeasuredChild(
            SIDE_SCRIPT,
            { side: 'bare', csv: data.csv },
            sideReportSchema,
            NODE_FLAGS,
          );
          log(`run ${run}/${RUNS} bare: ${formatMs(b.ms)}, peak RSS ${formatKiB(b.maxRssKiB)}`);
          bare.push(b);
          collectGarbage();
          const p = asPlanReport(
            await runMeasuredChild(SIDE_SCRIPT, planInput, sideReportSchema, NODE_FLAGS),
          );
          log(`run ${run}/${RUNS} plan: ${formatMs(p.ms)}, peak RSS ${formatKiB(p.maxRssKiB)}`);
          plan.push(p);
        }
      } finally {
        await sim.close();
      }
      return summarise(data, bare, plan);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function summarise(data: GeneratedExport, bare: SideReport[], plan: PlanReport[]): BenchResult {
  const bareRate = median(bare.map(rowsPerSecond));
  const planRate = median(plan.map(rowsPerSecond));
  const ratio = planRate / bareRate;
  const planRss = median(plan.map((r) => r.maxRssKiB));
  const first = plan[0];
  if (first === undefined) throw new Error('no plan runs');
  const counts = first.counts;
  const sameCounts = plan.every((p) => JSON.stringify(p.counts) === JSON.stringify(counts));

  const targets: TargetCheck[] = [
    {
      target: `plan throughput >= ${formatPercent(MIN_RATIO)} of the bare parse`,
      measured: `${formatPercent(ratio)} (${formatInteger(planRate)} vs ${formatInteger(bareRate)} rows/s)`,
      pass: ratio >= MIN_RATIO,
    },
    {
      target: `plan peak RSS < ${formatKiB(MAX_RSS_KIB)}`,
      measured: formatKiB(planRss),
      pass: planRss < MAX_RSS_KIB,
    },
  ];

  const results = sidesTable('bare', [
    { label: 'bare csv-parse (baseline)', runs: bare },
    { label: 'plan (read + OpenApp + planner)', runs: plan },
  ]);

  const planMs = median(plan.map((r) => r.ms));
  const phase = (label: string, pick: (p: PlanReport) => number): string[] => {
    const ms = median(plan.map(pick));
    return [label, formatMs(ms), formatPercent(ms / planMs)];
  };
  const calls = first.calls;
  const phases: Table = {
    headers: ['Phase of the plan side', 'Median', 'Share of the plan'],
    align: ['left', 'right', 'right'],
    rows: [
      phase(
        `load the mapping, read the export (parse, map, validate, sha256) while OpenApp's building users are listed (${calls.listBuildingUsers} calls) and searched`,
        (p) => p.phases.read,
      ),
      phase('wait for the users searches still running after the read', (p) => p.phases.searchesAfterRead),
      phase('planSync: searches it still needed, then plan() (the pure planner)', (p) => p.phases.planSync),
    ],
  };
  const memory: Table = {
    headers: ['Plan side memory (median)', 'RSS', 'Heap used'],
    align: ['left', 'right', 'right'],
    rows: [
      ['at start (Node + tsx + modules)', formatKiB(median(plan.map((p) => p.startRssKiB))), ''],
      [
        'after the read (readAndList)',
        formatKiB(median(plan.map((p) => p.memory.afterRead.rssKiB))),
        formatKiB(median(plan.map((p) => p.memory.afterRead.heapUsedKiB))),
      ],
      [
        'after planSync (garbage not yet collected)',
        formatKiB(median(plan.map((p) => p.memory.afterPlan.rssKiB))),
        formatKiB(median(plan.map((p) => p.memory.afterPlan.heapUsedKiB))),
      ],
      [
        'after planSync + forced GC (snapshot and Plan held)',
        formatKiB(median(plan.map((p) => p.memory.liveAfterPlan.rssKiB))),
        formatKiB(median(plan.map((p) => p.memory.liveAfterPlan.heapUsedKiB))),
      ],
      ['peak (maxRSS)', formatKiB(planRss), ''],
    ],
  };
  const countTable: Table = {
    headers: ['Plan counts', 'Value'],
    align: ['left', 'right'],
    rows: [
      ['rows read', formatInteger(first.rows)],
      ['records', formatInteger(counts.records)],
      [`rejected rows (${data.badDateRows} generated with unreadable dates)`, formatInteger(counts.rejected)],
      ['adds', formatInteger(counts.add)],
      ['removals', formatInteger(counts.remove)],
      ['invitations needed', formatInteger(counts.invite)],
      ['unchanged', formatInteger(counts.unchanged)],
      ['kept (rejected row, review)', formatInteger(counts.kept)],
      ['unmanaged (not in the PMS, left alone)', formatInteger(counts.unmanaged)],
      ['in review (Eviction)', formatInteger(counts.review)],
      ['held buildings', formatInteger(counts.heldBuildings)],
    ],
  };
  const targetTable = targetsTable(targets);

  const markdown = [
    `What a nightly \`plan\` does with a ${formatInteger(first.rows)}-row export in the generic format ` +
      `(${BUILDING_COUNT} buildings, ${formatInteger(ROWS_PER_BUILDING)} rows each, ${(data.bytes / 1024 ** 2).toFixed(1)} MiB, ` +
      `sha256 \`${data.sha256.slice(0, 16)}…\`): load the mapping, read the export while OpenApp is listed and searched (\`readAndList\`, as \`pms-sync plan\` does), \`planSync\` against the OpenApp ` +
      `simulator (${formatInteger(data.seedUsers)} users, ${formatInteger(data.seedMemberships)} resident memberships), ` +
      `through to the \`Plan\` object. The baseline is a bare pass of csv-parse's streaming \`parse()\` (default options) ` +
      'over the same file, counting records.',
    '',
    `Each side runs in a fresh process (\`node --expose-gc --import tsx bench/plan-throughput/measure-side.ts\`), ${RUNS} times, ` +
      `alternating bare and plan; **every figure is the median of the ${RUNS} runs**. Rows/s is data rows divided by the ` +
      'time from the start of the work to its result (process start-up and module loading excluded). Peak RSS is ' +
      "`process.resourceUsage().maxRSS` of that side's process, Node and tsx included (see RSS at start). The " +
      'simulator runs in the parent process: its memory is not counted, its response time is part of the plan. ' +
      "Before each measured run the parent collects its garbage (it holds the simulator's 170,000 users), so that " +
      'its collector does not run beside the measured process on this 2-core machine.',
    '',
    markdownTable(targetTable),
    '',
    markdownTable(results),
    '',
    markdownTable(phases),
    '',
    `Each phase is its own median over the ${RUNS} runs, so the phases need not add up to the median wall time. ` +
      "OpenApp's building users are listed while the export is read, as `pms-sync plan` does; once they are in, each " +
      "resident who needs a users search (access now, no OpenApp user id, an email not among their building's users) " +
      `is searched for as the read reaches them (src/sync/lookups-ahead.ts): ${formatInteger(calls.searchesDuringRead)} of ` +
      `${formatInteger(calls.findUsersByEmail)} searches started during the read, the searches spanning ` +
      `${formatMs(median(plan.map((p) => p.calls.searchSpanMs)))} from the first to the last answer (median).`,
    '',
    markdownTable(memory),
    '',
    markdownTable(countTable),
    ...(sameCounts ? [] : ['', '**The plan counts differed between runs**; the table shows the first run.']),
    '',
    ...everyRunDetails([...bare, ...plan], RUNS),
  ].join('\n');

  const text = [
    ...textTable(results),
    '',
    ...textTable(phases),
    '',
    ...textTable(memory),
    '',
    `plan counts: ${counts.add} adds, ${counts.remove} removals, ${counts.invite} invitations, ` +
      `${formatInteger(counts.unchanged)} unchanged, ${counts.rejected} rejected, ${counts.heldBuildings} held buildings`,
    ...targetLines(targets),
  ];
  return { text, markdown, targets };
}
