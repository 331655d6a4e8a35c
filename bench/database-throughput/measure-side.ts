/**
 * One measured side of the database-throughput benchmark, run in its own process by
 * bench/database-throughput.ts (input on stdin, report on stdout):
 * - copy: the query through a bare `COPY (query) TO STDOUT` (pg-copy-streams), rows counted;
 * - plan: what a database feed's run does with the source: readDatabaseExport (a read-only
 *   transaction, a cursor, the mapping engine), then the planner against OpenApp's building users
 *   (built from the data generator before the clock starts; no users search: residents without an
 *   account are counted as invitations).
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { plan } from '../../src/core/planner.js';
import { loadMappingFile } from '../../src/mappings/load-mapping.js';
import { buildingsOf, feedPolicyFromMapping } from '../../src/sync/plan-sync.js';
import { readDatabaseExport } from '../../src/sync/read-database-export.js';
import { printChildReport, readChildInput } from '../harness/child-process.js';
import { memoryNow } from '../harness/memory.js';
import { planCounts } from '../harness/plan-counts.js';
import { actualState } from './pms-data.js';
import { sideInputSchema, type SideInput, type SideReport } from './side-report.js';

async function copySide(input: Extract<SideInput, { side: 'copy' }>): Promise<SideReport> {
  const client = new pg.Client({ connectionString: input.url });
  await client.connect();
  const startRssKiB = memoryNow().rssKiB;
  const t0 = performance.now();
  let rows = 0;
  // COPY's text format escapes newlines inside values: one newline is one row.
  for await (const chunk of client.query(copyTo(`COPY (${input.sql}) TO STDOUT`))) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) rows++;
  }
  const ms = performance.now() - t0;
  await client.end();
  return { side: 'copy', rows, ms, startRssKiB, maxRssKiB: process.resourceUsage().maxRSS };
}

async function planSide(input: Extract<SideInput, { side: 'plan' }>): Promise<SideReport> {
  const mapping = await loadMappingFile(input.mappingFile);
  const actual = actualState();
  const startRssKiB = memoryNow().rssKiB;
  const t0 = performance.now();
  const snapshot = await readDatabaseExport(
    mapping,
    { urlEnv: 'BENCH_DATABASE_URL', parameters: {}, label: 'benchmark' },
    { BENCH_DATABASE_URL: input.url },
  );
  const t1 = performance.now();
  const afterRead = memoryNow();
  if (!snapshot.complete) throw new Error(`the read was cut short: ${snapshot.problem ?? ''}`);
  const result = plan({
    records: snapshot.records,
    rejected: snapshot.rejected,
    stats: snapshot.stats,
    sourceComplete: snapshot.complete,
    buildings: buildingsOf(mapping, snapshot),
    actual,
    directory: new Map(),
    policy: feedPolicyFromMapping(mapping),
    now: input.now,
  });
  const t2 = performance.now();
  const maxRssKiB = process.resourceUsage().maxRSS;
  const { records, rejected, add, remove, invite, unchanged, heldBuildings } = planCounts(result);
  return {
    side: 'plan',
    rows: snapshot.stats.rows + snapshot.stats.skipped,
    ms: t2 - t0,
    startRssKiB,
    maxRssKiB,
    phases: { read: t1 - t0, plan: t2 - t1 },
    afterRead,
    counts: { records, rejected, add, remove, invite, unchanged, heldBuildings },
  };
}

const input = await readChildInput(sideInputSchema);
printChildReport(input.side === 'copy' ? await copySide(input) : await planSide(input));
