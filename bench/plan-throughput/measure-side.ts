/**
 * One measured side of the plan-throughput benchmark, run in its own process by
 * bench/plan-throughput.ts (input on stdin, report on stdout):
 * - bare: the file through csv-parse's streaming `parse()` with default options, records counted;
 * - plan: what a nightly `plan` does: load the mapping, read the export while OpenApp is listed
 *   and searched (readAndList), planSync against OpenApp (the simulator in the parent process),
 *   through to the Plan object.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { loadMappingFile } from '../../src/mappings/load-mapping.js';
import { OpenAppClient } from '../../src/openapp/openapp-client.js';
import type { CallOptions } from '../../src/openapp/http-transport.js';
import type { BuildingUser, OpenAppUser } from '../../src/openapp/openapp-types.js';
import { buildingsOf, feedPolicyFromMapping, planSync } from '../../src/sync/plan-sync.js';
import { readAndList } from '../../src/sync/read-and-list.js';
import { printChildReport, readChildInput } from '../harness/child-process.js';
import { collectGarbage } from '../harness/collect-garbage.js';
import { memoryNow } from '../harness/memory.js';
import { planCounts } from '../harness/plan-counts.js';
import { sideInputSchema, type SideInput, type SideReport } from './side-report.js';

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
  // What `pms-sync plan` does (src/cli/plan-from-files.ts), with a clock between the steps.
  const mapping = await loadMappingFile(input.mappingFile);
  const policy = feedPolicyFromMapping(mapping);
  const { snapshot, actual, lookups } = await readAndList({
    mapping,
    source: { kind: 'csv', file: input.csv },
    policy,
    client,
    now: input.now,
  });
  const t1 = performance.now();
  const searchesDuringRead = client.lookups.count;
  const afterRead = memoryNow();
  const early = await lookups();
  const t2 = performance.now();
  const plan = await planSync({
    snapshot,
    actual,
    lookups: early,
    buildings: buildingsOf(mapping, snapshot),
    policy,
    client,
    now: input.now,
  });
  const t3 = performance.now();
  const afterPlan = memoryNow();
  const maxRssKiB = process.resourceUsage().maxRSS;
  await client.close();
  // After the peak is read, so it changes nothing measured: what is still alive with both held.
  collectGarbage();
  const liveAfterPlan = memoryNow();

  const { lists, lookups: searches } = client;
  return {
    side: 'plan',
    rows: snapshot.stats.rows + snapshot.stats.skipped,
    ms: t3 - t0,
    startRssKiB,
    maxRssKiB,
    phases: { read: t1 - t0, searchesAfterRead: t2 - t1, planSync: t3 - t2 },
    calls: {
      listBuildingUsers: lists.count,
      findUsersByEmail: searches.count,
      searchesDuringRead,
      searchSpanMs: searches.count > 0 ? searches.last - searches.first : 0,
    },
    memory: { afterRead, afterPlan, liveAfterPlan },
    counts: planCounts(plan),
  };
}

const input = await readChildInput(sideInputSchema);
printChildReport(input.side === 'bare' ? await bare(input) : await planSide(input));
