/**
 * Webhook to OpenApp: the time from sending a signed move-out webhook to the DELETE of that
 * resident reaching the OpenApp simulator, with the HTTP service and a worker running in this
 * process (as `pms-sync start` runs them) against real Redis, over the sample feed whose export
 * says Ana Gomez (Maple Court 101) has moved out.
 *
 * Each repetition: put Ana back on the building in the simulator (the previous run removed her),
 * send the webhook under a fresh delivery id, watch the simulator's request log until it shows
 * `DELETE …/integrations/{Maple Court}/people/{Ana}`, then wait for the run to settle before the
 * next one, so runs never overlap. One unmeasured repetition first warms everything up.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulid';
import { loadFeedsFile } from '../../src/feeds/load-feeds.js';
import { openHttpService } from '../../src/http/http-service.js';
import { silentLogger } from '../../src/logger.js';
import type { RunRecord } from '../../src/queue/run-record.js';
import { MAPLE_COURT, ORG_ID, residentRole, testSimulator } from '../../test/helpers/simulator.js';
import { REDIS_URL, deletePrefix, inProcessWorker, removeDir, writeFeed } from '../../test/helpers/worker.js';
import {
  ADMIN_TOKEN,
  MOVE_OUT_BODY,
  SECRET_ENV,
  WEBHOOKS_FEED_LINE,
  WEBHOOK_PATH,
  WEBHOOK_SECRET,
  deliveryIds,
  signedHeaders,
} from './signing.js';

/** Ana Gomez, Maple Court 101 in the sample export and the example seed. */
export const ANA = '01JHMXBGD068YSJKY5Y5XFM7F0';
/** How often the simulator's request log and the run are looked at. */
export const POLL_MS = 2;
const GIVE_UP_MS = 20_000;
const SETTLED = new Set(['planned', 'held', 'applied', 'partial', 'failed', 'rejected', 'superseded']);

export interface Delivery {
  /** From sending the webhook to its 202. */
  answerMs: number;
  /** From sending the webhook to the worker starting the run (`startedAt` of the run; 1 ms clock). */
  startedMs: number;
  /** From sending the webhook to the simulator's log showing the DELETE (the measured figure). */
  deleteMs: number;
  /** From sending the webhook to the run being settled, as this process polls it. */
  settledMs: number;
  runStatus: string;
  deleteStatus: number;
}

export interface EndToEndReport {
  warmUp: Delivery;
  deliveries: Delivery[];
  /** Every DELETE the simulator saw, for every repetition (warm-up included). */
  deletes: number;
}

export async function measureEndToEnd(repetitions: number): Promise<EndToEndReport> {
  const prefix = `pms-sync-bench-${ulid()}`;
  const sim = await testSimulator();
  // Ana and Eve both leave Maple Court in the first run: past the default 20% removal guard.
  const files = await writeFeed({
    mappingEdit: (m) => m.replace('max_removal_percent: 20', 'max_removal_percent: 100'),
  });
  const cleanup: (() => Promise<unknown>)[] = [() => sim.close(), () => removeDir(files.dir)];
  try {
    await writeFile(files.feedsFile, `${await readFile(files.feedsFile, 'utf8')}${WEBHOOKS_FEED_LINE}`);
    const csv = await readFile(files.csvFile, 'utf8');
    const moved = csv.replace('Current,2024-06-01,,', 'Past,2024-06-01,2026-11-01,');
    if (moved === csv) throw new Error("the sample export changed: Ana's row was not found");
    await writeFile(files.csvFile, moved);

    const feeds = await loadFeedsFile(files.feedsFile);
    const logger = silentLogger();
    const service = openHttpService({
      feeds,
      redisUrl: REDIS_URL,
      prefix,
      logger,
      adminToken: ADMIN_TOKEN,
      env: { [SECRET_ENV]: WEBHOOK_SECRET },
      openapp: { baseUrl: sim.apiRoot, apiKey: sim.key, orgId: ORG_ID, generation: '2026' },
    });
    const { app, queues } = service;
    cleanup.push(
      () => deletePrefix(prefix),
      () => service.close(),
    );
    if (!(await queues.ready(5_000))) throw new Error(`Redis at ${REDIS_URL} did not answer`);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    const url = `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`;
    const worker = await inProcessWorker(sim, files.feedsFile, prefix);
    cleanup.push(() => worker.close());

    const anaPath = `/api/v1/integrations/${MAPLE_COURT}/people/${ANA}`;
    const nextId = deliveryIds();
    const lastSeq = () => sim.requests.since().at(-1)?.seq ?? 0;

    const deliver = async (): Promise<Delivery> => {
      const store = sim.store();
      if (!store.listBuildingUsers(MAPLE_COURT, ORG_ID).some((row) => row.user.id === ANA))
        store.addBuildingUser(MAPLE_COURT, ORG_ID, ANA, residentRole(MAPLE_COURT));
      const seq = lastSeq();
      const sentAt = Date.now();
      const t0 = performance.now();
      // Watched from before the request goes out: nothing guarantees the 202 is read first.
      const deleted = (async () => {
        for (;;) {
          const hit = sim.requests.since(seq).find((r) => r.method === 'DELETE' && r.path === anaPath);
          if (hit) return { ms: performance.now() - t0, status: hit.status };
          if (performance.now() - t0 > GIVE_UP_MS)
            throw new Error(`no DELETE of ${anaPath} after ${GIVE_UP_MS} ms`);
          await sleep(POLL_MS);
        }
      })();
      const res = await fetch(url, {
        method: 'POST',
        headers: signedHeaders(nextId(), MOVE_OUT_BODY),
        body: MOVE_OUT_BODY,
      });
      const answerMs = performance.now() - t0;
      const answer = (await res.json()) as { run_id?: string };
      if (res.status !== 202 || answer.run_id === undefined)
        throw new Error(`the webhook was answered ${res.status}: ${JSON.stringify(answer)}`);
      const del = await deleted;
      let run: RunRecord | undefined;
      for (;;) {
        run = await queues.runs.get(answer.run_id);
        if (run && SETTLED.has(run.status)) break;
        if (performance.now() - t0 > GIVE_UP_MS)
          throw new Error(`run ${answer.run_id} had not settled after ${GIVE_UP_MS} ms (${run?.status})`);
        await sleep(POLL_MS);
      }
      const settledMs = performance.now() - t0;
      return {
        answerMs,
        startedMs: run.startedAt ? Date.parse(run.startedAt) - sentAt : Number.NaN,
        deleteMs: del.ms,
        settledMs,
        runStatus: run.status,
        deleteStatus: del.status,
      };
    };

    const warmUp = await deliver();
    const deliveries: Delivery[] = [];
    for (let i = 0; i < repetitions; i++) deliveries.push(await deliver());
    const deletes = sim.requests.since().filter((r) => r.method === 'DELETE').length;
    return { warmUp, deliveries, deletes };
  } finally {
    while (cleanup.length) await cleanup.pop()?.();
  }
}
