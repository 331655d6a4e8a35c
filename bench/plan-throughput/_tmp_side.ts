/**
 * One measured side of the plan-throughput benchmark, run in its own process by
 * bench/plan-throughput.ts (input on stdin, report on stdout):
 * - bare: the file through csv-parse's streaming `parse()` with default options, records counted;
 * - plan: what a nightly `plan` does: load the mapping, readCsvExport, planSync against OpenApp
 *   (the simulator in the parent process), through to the Plan object.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { loadMappingFile } from '../../src/mappings/load-mapping.js';
import { OpenAppClient } from '../../src/openapp/openapp-client.js';
import type { CallOptions } from '../../src/openapp/http-transport.js';
import type { BuildingUser, OpenAppUser } from '../../src/openapp/openapp-types.js';
import { buildingsOf, feedPolicyFromMapping, listBuildings, planSync } from '../../src/sync/plan-sync.js';
import { readCsvExport } from '../../src/sync/read-csv-export.js';
import { printChildReport, readChildInput } from '../harness/child-process.js';
import { memoryNow } from '../harness/memory.js';
import { planCounts } from '../harness/plan-counts.js';
import { sideInputSchema, type SideInput, type SideReport } from './side-report.js';

/** A full GC (the side runs with --expose-gc). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc: the live heap after the plan is measured');
  gc();
}

/** When the calls of one kind started (the first) and ended (the last). */
class CallSpan {
  first = Number.NaN;
  last = Number.NaN;
  count = 0;

  async time<T>(call: () => Promise<T>): Promise<T> {
    if (this.count++ === 0) this.first = performance.now();
    try {
      return await call();
    } finally {
      this.last = performance.now();
    }
  }
}

/** The real client, timing the two kinds of call planSync makes. */
class TimedClient extends OpenAppClient {
  readonly lists = new CallSpan();
  readonly lookups = new CallSpan();

  override listBuildingUsers(integrationId: string, options?: CallOptions): Promise<BuildingUser[]> {
    return this.lists.time(() => super.listBuildingUsers(integrationId, options));
  }

  override findUsersByEmail(email: string, options?: CallOptions): Promise<OpenAppUser[]> {
    return this.lookups.time(() => super.findUsersByEmail(email, options));
  }
}

async function bare(input: Extract<SideInput, { side: 'bare' }>): Promise<SideReport> {
  const startRssKiB = memoryNow().rssKiB;
  const t0 = performance.now();
  let records = 0;
  for await (const _record of createReadStream(input.csv).pipe(parse())) records++;
  const ms = performance.now() - t0;
  return {
    side: 'bare',
    rows: records - 1,
    ms,
    startRssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

async function planSide(input: Extract<SideInput, { side: 'plan' }>): Promise<SideReport> {
  const client = new TimedClient({
    baseUrl: input.apiRoot,
    apiKey: input.apiKey,
    orgId: input.orgId,
    generation: '2026',
  });
  const startRssKiB = memoryNow().rssKiB;
  const t0 = performance.now();
  const mapping = await loadMappingFile(input.mappingFile);
  // As `pms-sync plan` does (src/cli/plan-from-files.ts): OpenApp is listed while the export streams.
  const tableBuildings = [...new Set(mapping.buildings.table.map((b) => b.integration_id))];
  const [snapshot, actual] = await Promise.all([
    readCsvExport(mapping, input.csv).then((s) => {
      process.stderr.write(`read done ${Math.round(performance.now() - t0)}\n`);
      return s;
    }),
    listBuildings(client, tableBuildings).then((s) => {
      process.stderr.write(`list done ${Math.round(performance.now() - t0)}\n`);
      return s;
    }),
  ]);
  const t1 = performance.now();
  const afterRead = memoryNow();
  const plan = await planSync({
    snapshot,
    actual,
    buildings: buildingsOf(mapping, snapshot),
    policy: feedPolicyFromMapping(mapping),
    client,
    now: input.now,
  });
  const t2 = performance.now();
  const afterPlan = memoryNow();
  const maxRssKiB = process.resourceUsage().maxRSS;
  await client.close();
  // After the peak is read, so it changes nothing measured: what is still alive with both held.
  collectGarbage();
  const liveAfterPlan = memoryNow();

  const { lists, lookups } = client;
  // Lists overlap the read; only what outlasted it counts as their own phase.
  const listsEnd = lists.count > 0 ? Math.max(lists.last, t1) : t1;
  const lookupsStart = lookups.count > 0 ? lookups.first : listsEnd;
  const lookupsEnd = lookups.count > 0 ? lookups.last : listsEnd;
  return {
    side: 'plan',
    rows: snapshot.stats.rows + snapshot.stats.skipped,
    ms: t2 - t0,
    startRssKiB,
    maxRssKiB,
    phases: {
      read: t1 - t0,
      listBuildingUsers: listsEnd - t1,
      chooseLookups: lookupsStart - listsEnd,
      lookups: lookupsEnd - lookupsStart,
      plan: t2 - lookupsEnd,
    },
    calls: { listBuildingUsers: lists.count, findUsersByEmail: lookups.count },
    memory: { afterRead, afterPlan, liveAfterPlan },
    counts: planCounts(plan),
  };
}

const input = await readChildInput(sideInputSchema);
printChildReport(input.side === 'bare' ? await bare(input) : await planSide(input));
