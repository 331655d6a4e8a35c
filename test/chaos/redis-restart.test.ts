/**
 * Chaos: the Redis that holds the queues, runs and journal crashes mid-apply and comes back on the
 * same port a few seconds later, with what its append-only file kept (as docker-compose's Redis
 * would). The worker process must reconnect by itself and the run converge. The Redis is the
 * test's own: the machine's shared one is never restarted.
 */
import { describe, expect, it } from 'vitest';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { silentLogger } from '../../src/logger.js';
import { openQueueClient } from '../../src/queue/queue-client.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { expectConverged } from '../helpers/chaos-checks.js';
import { CHAOS_FEED_SETTINGS, TWO_THOUSAND, chaosPlan, chaosSeed } from '../helpers/chaos-plan.js';
import { startOwnRedis } from '../helpers/redis-server.js';
import { testSimulator } from '../helpers/simulator.js';
import {
  childEnv,
  removeDir,
  spawnWorker,
  stopChild,
  triggerRun,
  uniquePrefix,
  until,
  writeFeed,
} from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

describe('Redis restarting mid-run', () => {
  it('is survived: the worker reconnects, the run resumes and converges without repeating a change', async () => {
    const seed = chaosSeed('redis restart');
    const random = seededRandom(seed);
    const redis = await startOwnRedis();
    cleanup.push(() => redis.remove());
    const plan = chaosPlan(TWO_THOUSAND);
    const prefix = uniquePrefix();
    const sim = await testSimulator({ seed: plan.seed, faults: { latencyMs: 5 } });
    const files = await writeFeed({ csv: plan.csv, feedExtra: CHAOS_FEED_SETTINGS });
    const q = openQueueClient(redis.url, prefix, silentLogger(), { name: 'chaos-test' });
    cleanup.push(
      () => sim.close(),
      () => removeDir(files.dir),
      () => q.close(),
    );
    // The production lock time: a Redis outage of a few seconds must not make jobs look abandoned.
    const env = childEnv(sim, files.feedsFile, prefix, {
      REDIS_URL: redis.url,
      WORKER_LOCK_MS: '30000',
      LOG_LEVEL: 'error',
    });
    const worker = spawnWorker(env);
    cleanup.push(() => stopChild(worker, 'SIGKILL'));
    const runId = await triggerRun(q);

    const mutations = () => sim.requests.since().filter((r) => r.method !== 'GET').length;
    const crashAt = 100 + Math.floor(random() * 1_400);
    const outageMs = 1_000 + Math.floor(random() * 4_000);
    await until(() => mutations() >= crashAt, 120_000, `${crashAt} changes to be made`);
    await redis.crash();
    const atCrash = mutations();
    await new Promise((r) => setTimeout(r, outageMs));
    const duringOutage = mutations() - atCrash;
    await redis.start();
    console.info(
      `redis restart: crashed after ${atCrash} changes, down ${outageMs} ms (${duringOutage} calls finished meanwhile)`,
    );

    const run = await waitForRun(q.runs, runId, 240_000);
    await expectConverged('redis restart', run, { q, prefix, sim, plan });
    // Every add and removal was sent once: nothing the journal recorded was lost with the crash.
    const changes = sim.requests
      .since()
      .filter((r) => r.method !== 'GET' && /\/(people|building-users)(\/|$)/.test(r.path));
    expect(changes).toHaveLength(plan.changes - plan.invitees.size);
    expect(worker.exitCode).toBeNull(); // the same process carried on
  }, 600_000);
});
