/**
 * Chaos: the worker process is killed with SIGKILL at five random points in a row (starting up,
 * planning, mid-apply, sending invitations, waiting for the dead worker's lock), a new one started
 * each time; a sixth finishes. The journal must make every change exactly once.
 */
import { describe, expect, it } from 'vitest';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import type { LoggedRequest } from '../../src/simulator/sim-request-log.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { expectConverged } from '../helpers/chaos-checks.js';
import { CHAOS_FEED_SETTINGS, TWO_THOUSAND, chaosPlan, chaosSeed } from '../helpers/chaos-plan.js';
import { childEnv, queueSetup, spawnWorker, stopChild, triggerRun, until } from '../helpers/worker.js';

const cleanup = cleanupAfterEach();
const KILLS = 5;

/** What the worker was doing, judged by its last OpenApp request. */
function phaseOf(last: LoggedRequest | undefined): string {
  if (!last) return 'starting';
  if (last.path.endsWith('/users/search')) return 'planning: looking up accounts';
  if (last.path.includes('/invitations')) return 'sending invitations';
  if (last.method === 'GET') return 'reading OpenApp';
  return last.method === 'POST' ? 'applying adds' : 'applying removals';
}

describe('a worker killed five times in a row', () => {
  it('still converges, with every add and removal sent exactly once and no invitation twice', async () => {
    const seed = chaosSeed('worker kills');
    const random = seededRandom(seed);
    const plan = chaosPlan(TWO_THOUSAND);
    // A little latency per request, so that the plan takes long enough to be killed in.
    const { sim, files, q, prefix } = await queueSetup(
      cleanup,
      { csv: plan.csv, feedExtra: CHAOS_FEED_SETTINGS },
      { seed: plan.seed, faults: { latencyMs: 5 } },
    );
    const env = childEnv(sim, files.feedsFile, prefix, { WORKER_LOCK_MS: '2000', LOG_LEVEL: 'error' });
    const runId = await triggerRun(q);
    const settled = async () => !['queued', 'running'].includes((await q.runs.require(runId)).status);

    for (let kill = 1; kill <= KILLS; kill++) {
      const worker = spawnWorker(env);
      cleanup.push(() => stopChild(worker, 'SIGKILL'));
      const spawnedAt = Date.now();
      const from = sim.requests.since().length;
      // A random point: after this worker made 1-700 OpenApp requests (the whole plan takes about
      // 2,500), or (one time in eight) at a random moment of its first 3 s, before it made any.
      const early = random() < 1 / 8;
      const requests = 1 + Math.floor(random() * 700);
      const delayMs = Math.floor(random() * 3_000);
      const reached = () =>
        early ? Date.now() - spawnedAt >= delayMs : sim.requests.since().length - from >= requests;
      await until(async () => reached() || (await settled()), 60_000, `kill point ${kill}`);
      await stopChild(worker, 'SIGKILL');
      const at = early ? `${delayMs} ms after start` : `after ${requests} requests`;
      const doing = (await settled())
        ? 'the run had already settled'
        : sim.requests.since().length === from
          ? "starting, or waiting for the dead worker's lock"
          : phaseOf(sim.requests.since().at(-1));
      console.info(`worker kills: #${kill} ${at} (${doing})`);
    }

    const last = spawnWorker(env);
    cleanup.push(() => stopChild(last, 'SIGKILL'));
    const run = await waitForRun(q.runs, runId, 240_000);
    await expectConverged('worker kills', run, { q, prefix, sim, plan });

    // Exactly one call per add and per removal: a call in flight at a kill was looked up, not repeated.
    const calls = new Map<string, number>();
    for (const r of sim.requests.since()) {
      if (r.method === 'GET' || !/\/(people|building-users)(\/|$)/.test(r.path)) continue;
      const user = r.method === 'POST' ? (r.body as { user_id: string }).user_id : r.path.split('/').at(-1);
      const key = `${r.method} ${r.path.split('/')[4]} ${user}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    const expected = new Map<string, number>();
    for (const [integrationId, keep] of plan.present)
      for (const id of keep.filter((u) => !u.includes('-stay-')))
        expected.set(`POST ${integrationId} ${id}`, 1);
    for (const [integrationId, gone] of plan.absent)
      for (const id of gone) expected.set(`DELETE ${integrationId} ${id}`, 1);
    expect([...calls].filter(([k, n]) => expected.get(k) !== n)).toEqual([]);
    expect(calls.size).toBe(expected.size);
  }, 600_000);
});
