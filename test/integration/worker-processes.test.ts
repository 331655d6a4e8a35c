/**
 * Several worker processes on the real Redis: one run per schedule tick however many replicas,
 * and a worker killed with SIGKILL mid-apply whose successor finishes without repeating anything.
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { BIRCH_TOWER, exampleSeed, residentRole } from '../helpers/simulator.js';
import { childEnv, queueSetup, spawnWorker, stopChild, triggerRun, until } from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

describe('worker processes', () => {
  it('three workers sharing one schedule produce one run per tick', async () => {
    const { sim, files, q, prefix } = await queueSetup(cleanup, { schedule: '*/2 * * * * *' });
    const workers = [1, 2, 3].map(() => spawnWorker(childEnv(sim, files.feedsFile, prefix)));
    cleanup.push(...workers.map((w) => () => stopChild(w, 'SIGKILL')));

    await until(
      async () => (await q.runs.list(100)).filter((r) => r.trigger === 'schedule').length >= 3,
      20_000,
      'three scheduled runs',
    );
    await Promise.all(workers.map((w) => stopChild(w)));

    const runs = (await q.runs.list(100)).filter((r) => r.trigger === 'schedule');
    const ticks = runs.map((r) => Math.floor(Date.parse(r.createdAt) / 2000));
    expect(new Set(ticks).size).toBe(ticks.length); // never two runs for one tick
    // Runs settled before the workers stopped were applied; the last may have been cut off.
    expect(runs.filter((r) => r.status === 'applied').length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => ['applied', 'running', 'queued'].includes(r.status))).toBe(true);
    // The first tick changed OpenApp; the later ones found nothing to do.
    expect(sim.requests.since().filter((r) => r.method !== 'GET')).toHaveLength(2);
  }, 40_000);

  it.each([
    ['killed with SIGKILL', 'SIGKILL'],
    ['stopped with SIGTERM (its shutdown limit passes, its calls are aborted)', 'SIGTERM'],
  ] as const)(
    'a worker %s mid-apply is succeeded by one that finishes without repeating a change',
    async (_label, signal) => {
      const seed = exampleSeed();
      const newcomers = Array.from({ length: 24 }, (_, i) => ({
        id: `01JHMY0000000000000000N${String(i).padStart(3, '0')}`,
        name: `Newcomer ${i}`,
        email: `newcomer${i}@example.com`,
        roles: {},
      }));
      seed.users.push(...newcomers);
      const header =
        'person_id,lease_id,property,unit,first_name,last_name,email,phone,status,move_in,move_out,openapp_user_id';
      const rows = newcomers.map(
        (u, i) => `N${i},L${i},Birch Tower,${2000 + i},Newcomer,${i},${u.email},,Current,2026-01-01,,`,
      );
      // A feed of Birch Tower only: the export says nothing about Maple Court.
      const { sim, files, q, prefix } = await queueSetup(
        cleanup,
        { csv: `${[header, ...rows].join('\n')}\n`, buildings: [BIRCH_TOWER] },
        { seed, faults: { latencyMs: 150 } },
      );

      const env = childEnv(sim, files.feedsFile, prefix, {
        OPENAPP_CONCURRENCY: '2',
        SHUTDOWN_TIMEOUT_MS: '500',
      });
      const first = spawnWorker(env);
      cleanup.push(() => stopChild(first, 'SIGKILL'));
      const runId = await triggerRun(q);
      const posts = () => sim.requests.since().filter((r) => r.method === 'POST').length;
      await until(() => posts() >= 6, 20_000, 'the apply to be under way');
      const stopping = Date.now();
      await stopChild(first, signal);
      // A graceful stop still ends soon: the shutdown limit, then in-flight calls are aborted.
      expect(Date.now() - stopping).toBeLessThan(5_000);
      if (signal === 'SIGTERM') expect(first.exitCode).toBe(0);
      const atKill = posts();
      expect(atKill).toBeLessThan(newcomers.length);

      const second = spawnWorker(env);
      cleanup.push(() => stopChild(second));
      const run = await waitForRun(q.runs, runId, 40_000);
      expect(run.status).toBe('applied');

      const state = sim.store().toSnapshot();
      const residents = state.building_users.filter(
        (b) => b.integration_id === BIRCH_TOWER && b.role === residentRole(BIRCH_TOWER),
      );
      for (const u of newcomers) expect(residents.map((r) => r.user_id)).toContain(u.id);
      const added = sim.requests
        .since()
        .filter((r) => r.method === 'POST' && r.status === 201)
        .map((r) => (r.body as { user_id: string }).user_id);
      expect(added.sort()).toEqual(newcomers.map((u) => u.id).sort()); // each exactly once
    },
    60_000,
  );
});
