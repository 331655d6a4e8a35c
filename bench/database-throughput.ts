/**
 * Database throughput: 1,000,000 residents streamed from PostgreSQL into a plan, in rows/s and peak
 * RSS, next to a bare `COPY (query) TO STDOUT` of the same rows in the same run (the baseline: the
 * fastest way PostgreSQL hands the rows over, with nothing done to them).
 *
 * The data (bench/database-throughput/pms-data.ts) goes into a schema of its own in the PostgreSQL
 * at BENCH_POSTGRES_URL (default: the local `test` database) by COPY FROM, and the schema is
 * dropped afterwards. The query is the shipped demo mapping's (mappings/pms-db.yaml): four tables
 * joined, ordered by person. Each side runs in its own process, three times, alternating; the
 * figures are the medians.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ulid } from 'ulid';
import { stringify } from 'yaml';
import { parseMapping } from '../src/mappings/load-mapping.js';
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
import { runMeasuredChild } from './harness/child-process.js';
import { everyRunDetails, rowsPerSecond, sidesTable } from './harness/side-runs.js';
import { targetLines, targetsTable } from './harness/targets.js';
import { markdownTable, textTable, type Table } from './harness/tables.js';
import {
  BUILDINGS,
  PLAN_NOW,
  PORTFOLIO,
  RESIDENTS_PER_BUILDING,
  benchMapping,
  copyRows,
} from './database-throughput/pms-data.js';
import { sideReportSchema, type SideReport } from './database-throughput/side-report.js';

const RUNS = 3;
const MAX_RSS_KIB = 2 * 1024 * 1024;
const BASE_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIDE_SCRIPT = fileURLToPath(new URL('./database-throughput/measure-side.ts', import.meta.url));
const SCHEMA_SQL = fileURLToPath(new URL('../examples/pms-db/schema.sql', import.meta.url));

type PlanReport = SideReport & Required<Pick<SideReport, 'phases' | 'afterRead' | 'counts'>>;

function asPlanReport(r: SideReport): PlanReport {
  if (!r.phases || !r.afterRead || !r.counts) throw new Error('the plan side reported no breakdown');
  return { ...r, phases: r.phases, afterRead: r.afterRead, counts: r.counts };
}

/** The same database, with the benchmark's schema first on the search path. */
function urlInSchema(schema: string): string {
  const url = new URL(BASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function fill(client: pg.Client, log: (line: string) => void): Promise<void> {
  await client.query(await readFile(SCHEMA_SQL, 'utf8'));
  for (const table of ['properties', 'units', 'leases', 'residents'] as const) {
    const t0 = performance.now();
    await pipeline(Readable.from(copyRows(table)), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
    log(`COPY ${table} FROM STDIN: ${formatMs(performance.now() - t0)}`);
  }
  await client.query('ANALYZE');
}

export const databaseThroughput: Benchmark = {
  name: 'database-throughput',
  title: 'Database throughput: 1,000,000 rows from PostgreSQL',
  async run(): Promise<BenchResult> {
    const log = (line: string) => process.stderr.write(`  [database-throughput] ${line}\n`);
    const schema = `bench_${ulid().toLowerCase()}`;
    const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-bench-db-'));
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    try {
      log(`generating ${formatInteger(BUILDINGS * RESIDENTS_PER_BUILDING)} residents into schema ${schema}`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(`SET search_path = ${schema}`);
      await fill(admin, log);

      const mappingRaw = await benchMapping();
      const mapping = parseMapping(mappingRaw, 'database-throughput mapping');
      const mappingFile = path.join(dir, 'bench-pms-db.yaml');
      await writeFile(mappingFile, stringify(mappingRaw));
      // COPY takes no bind parameters: the baseline gets the one value written in.
      const sql = (mapping.database?.query ?? '').replace(':portfolio', `'${PORTFOLIO}'`);
      const url = urlInSchema(schema);

      const copy: SideReport[] = [];
      const plan: PlanReport[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const c = await runMeasuredChild(SIDE_SCRIPT, { side: 'copy', url, sql }, sideReportSchema);
        log(`run ${run}/${RUNS} COPY: ${formatMs(c.ms)}, peak RSS ${formatKiB(c.maxRssKiB)}`);
        copy.push(c);
        const p = asPlanReport(
          await runMeasuredChild(
            SIDE_SCRIPT,
            { side: 'plan', url, mappingFile, now: PLAN_NOW },
            sideReportSchema,
          ),
        );
        log(`run ${run}/${RUNS} plan: ${formatMs(p.ms)}, peak RSS ${formatKiB(p.maxRssKiB)}`);
        plan.push(p);
      }
      return summarise(copy, plan);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function summarise(copy: SideReport[], plan: PlanReport[]): BenchResult {
  const copyRate = median(copy.map(rowsPerSecond));
  const planRate = median(plan.map(rowsPerSecond));
  const ratio = planRate / copyRate;
  const planRss = median(plan.map((r) => r.maxRssKiB));
  const first = plan[0];
  if (first === undefined) throw new Error('no plan runs');
  const counts = first.counts;

  const targets: TargetCheck[] = [
    {
      // The issue sets no throughput target for the database source: the ratio is reported, and
      // what is checked is that the plan read every row the COPY did.
      target:
        'plan rows/s vs the bare COPY (ratio informational; checked: the plan read every row COPY read)',
      measured: `${formatPercent(ratio)} (${formatInteger(planRate)} vs ${formatInteger(copyRate)} rows/s), ${formatInteger(counts.records + counts.rejected)} of ${formatInteger(first.rows)} rows`,
      pass: plan.every((p) => p.rows === copy[0]?.rows) && counts.records + counts.rejected === first.rows,
    },
    {
      target: `plan peak RSS < ${formatKiB(MAX_RSS_KIB)}`,
      measured: formatKiB(planRss),
      pass: planRss < MAX_RSS_KIB,
    },
  ];
  const results = sidesTable('COPY', [
    { label: 'bare COPY (query) TO STDOUT (baseline)', runs: copy },
    { label: 'plan (readDatabaseExport + planner)', runs: plan },
  ]);
  const planMs = median(plan.map((r) => r.ms));
  const phase = (label: string, ms: number): string[] => [label, formatMs(ms), formatPercent(ms / planMs)];
  const phases: Table = {
    headers: ['Phase of the plan side', 'Median', 'Share of the plan'],
    align: ['left', 'right', 'right'],
    rows: [
      phase('readDatabaseExport (cursor, cells, mapping, sha256)', median(plan.map((p) => p.phases.read))),
      phase('plan() (the pure planner)', median(plan.map((p) => p.phases.plan))),
    ],
  };
  const memory: Table = {
    headers: ['Plan side memory (median)', 'RSS', 'Heap used'],
    align: ['left', 'right', 'right'],
    rows: [
      [
        "at start (Node, tsx, modules, OpenApp's users)",
        formatKiB(median(plan.map((p) => p.startRssKiB))),
        '',
      ],
      [
        'after readDatabaseExport (1,000,000 records held)',
        formatKiB(median(plan.map((p) => p.afterRead.rssKiB))),
        formatKiB(median(plan.map((p) => p.afterRead.heapUsedKiB))),
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
      ['rejected rows', formatInteger(counts.rejected)],
      ['adds', formatInteger(counts.add)],
      ['removals', formatInteger(counts.remove)],
      ['invitations needed (no users search in this benchmark)', formatInteger(counts.invite)],
      ['unchanged', formatInteger(counts.unchanged)],
      ['held buildings', formatInteger(counts.heldBuildings)],
    ],
  };
  const targetTable = targetsTable(targets);
  const markdown = [
    `What a database feed's run does with its source: ${formatInteger(first.rows)} residents in ${BUILDINGS} ` +
      "properties of the demo PMS schema (examples/pms-db/schema.sql) in PostgreSQL, read with the shipped mapping's " +
      'query (mappings/pms-db.yaml: four tables joined, ordered by person) by `readDatabaseExport` (a read-only ' +
      'transaction, a cursor fetching 2,000 rows at a time, the mapping engine), then planned by the pure planner ' +
      "against OpenApp's building users (built in the process before the clock starts; no users search, so residents " +
      'without an account count as invitations). The baseline is a bare `COPY (query) TO STDOUT` of the same query ' +
      '(pg-copy-streams), counting rows and doing nothing with them.',
    '',
    `Each side runs in a fresh process (\`node --import tsx bench/database-throughput/measure-side.ts\`), ${RUNS} ` +
      'times, alternating COPY and plan; **every figure is the median of the 3 runs**. Peak RSS is ' +
      "`process.resourceUsage().maxRSS` of that side's process (Node and tsx included; on the plan side, OpenApp's " +
      'users too: see RSS at start). The rows are generated into a schema of their own with COPY FROM, dropped after.',
    '',
    markdownTable(targetTable),
    '',
    markdownTable(results),
    '',
    markdownTable(phases),
    '',
    markdownTable(memory),
    '',
    markdownTable(countTable),
    '',
    ...everyRunDetails([...copy, ...plan], RUNS),
  ].join('\n');
  const text = [
    ...textTable(results),
    '',
    ...textTable(phases),
    '',
    ...textTable(memory),
    '',
    `plan counts: ${formatInteger(counts.records)} records, ${counts.add} adds, ${counts.remove} removals, ` +
      `${formatInteger(counts.invite)} invitations, ${formatInteger(counts.unchanged)} unchanged, ${counts.rejected} rejected`,
    ...targetLines(targets),
  ];
  return { text, markdown, targets };
}
