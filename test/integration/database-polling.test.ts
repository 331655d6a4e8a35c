/**
 * Polling a PMS database for changes: a worker on the real Redis, the OpenApp simulator, and the
 * demo PMS on the real PostgreSQL and MariaDB. One changed lease becomes one run of its building,
 * which applies the change; a poll that finds nothing asks for nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { loadFeedsFile, type Feed } from '../../src/feeds/load-feeds.js';
import { silentLogger } from '../../src/logger.js';
import { PollMarkStore } from '../../src/queue/poll-mark-store.js';
import { syncSchedules } from '../../src/queue/schedules.js';
import { pollFeed } from '../../src/sync/poll-feed.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { DEMO_MAPPING, createTestDatabase, loadDemoPms } from '../helpers/databases.js';
import { BIRCH_TOWER, MAPLE_COURT, residentRole, testSimulator } from '../helpers/simulator.js';
import { deletePrefix, inProcessWorker, queueClient, uniquePrefix } from '../helpers/worker.js';

const cleanup = cleanupAfterEach();
const GINA = '01JHMXBP8GG8XRX884PM5QWZDM';

/** A feeds file with one database feed, `demo`, over the demo mapping; its URL in a variable of its own. */
async function databaseFeed(url: string, extra = ''): Promise<{ feedsFile: string; feed: Feed }> {
  const urlEnv = `T${ulid()}_DATABASE_URL`;
  process.env[urlEnv] = url;
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-db-feed-'));
  cleanup.push(async () => {
    delete process.env[urlEnv];
    await rm(dir, { recursive: true, force: true });
  });
  const feedsFile = path.join(dir, 'feeds.yaml');
  await writeFile(
    feedsFile,
    `feeds:\n  - name: demo\n    mapping: ${DEMO_MAPPING}\n    source:\n      database: { url_env: ${urlEnv} }\n${extra}`,
  );
  const feed = (await loadFeedsFile(feedsFile)).get('demo');
  if (!feed) throw new Error('no demo feed');
  return { feedsFile, feed };
}

function mapleResidents(sim: Awaited<ReturnType<typeof testSimulator>>): string[] {
  return sim
    .store()
    .toSnapshot()
    .building_users.filter((b) => b.integration_id === MAPLE_COURT && b.role === residentRole(MAPLE_COURT))
    .map((b) => b.user_id);
}

describe.each(['postgres', 'mysql'] as const)('polling a PMS database on %s', (dialect) => {
  it('turns one changed lease into one run of its building, which applies the change', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const sim = await testSimulator();
    cleanup.push(() => sim.close());
    const prefix = uniquePrefix();
    cleanup.push(() => deletePrefix(prefix));
    const { feedsFile, feed } = await databaseFeed(db.url);
    const worker = await inProcessWorker(sim, feedsFile, prefix);
    cleanup.push(() => worker.close());
    const q = queueClient(prefix);
    cleanup.push(() => q.close());
    const deps = { redis: q.redis, prefix, feedsQueue: q.feedsQueue, runs: q.runs, logger: silentLogger() };

    // First poll: no mark yet, so the whole feed is synced once and the newest change remembered.
    const first = await pollFeed(feed, deps);
    expect(first.since).toBeUndefined();
    expect(first.mark).toBe('2026-11-12 11:00:00');
    expect(first.runs).toHaveLength(1);
    const full = await waitForRun(q.runs, first.runs[0]?.runId ?? '', 20_000);
    expect(full).toMatchObject({ building: null, trigger: 'poll', status: 'applied' });
    expect(mapleResidents(sim)).toContain(GINA);

    // Nothing changed since: nothing is asked for.
    const quiet = await pollFeed(feed, deps);
    expect(quiet).toMatchObject({ since: '2026-11-12 11:00:00', changed: [], runs: [] });

    // Gina Liu's lease ends in the PMS.
    await db.exec(
      `UPDATE leases SET status = 'Past', move_out = '2026-11-05', updated_at = '2026-11-21 18:30:00' WHERE lease_id = 'L503'`,
    );
    sim.requests.clear();
    const changed = await pollFeed(feed, deps);
    expect(changed.changed).toEqual([MAPLE_COURT]);
    expect(changed.runs).toHaveLength(1);
    const run = await waitForRun(q.runs, changed.runs[0]?.runId ?? '', 20_000);
    expect(run).toMatchObject({ building: MAPLE_COURT, trigger: 'poll', actor: 'poll', status: 'applied' });
    expect(Object.keys(run.buildings)).toEqual([MAPLE_COURT]);
    expect(mapleResidents(sim)).not.toContain(GINA);
    const mutations = sim.requests.since().filter((r) => r.method !== 'GET');
    expect(mutations.map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(new RegExp(`^DELETE .*/integrations/${MAPLE_COURT}/people/${GINA}$`)),
    ]);
    expect(await new PollMarkStore(q.redis, prefix).get('demo')).toBe('2026-11-21 18:30:00');
    // Birch Tower was not asked about.
    expect(run.buildings[BIRCH_TOWER]).toBeUndefined();
  });
});

describe('poll schedules', () => {
  it('keeps one poll job scheduler per polling feed, and removes it with the feed', async () => {
    const { feed } = await databaseFeed(
      'postgres://postgres@127.0.0.1:5432/test',
      '    poll: { every: 90s }\n',
    );
    const prefix = uniquePrefix();
    cleanup.push(() => deletePrefix(prefix));
    const q = queueClient(prefix);
    cleanup.push(() => q.close());

    expect(await syncSchedules(q.feedsQueue, new Map([['demo', feed]]))).toEqual(['poll:demo']);
    const [scheduler] = await q.feedsQueue.getJobSchedulers();
    expect(scheduler).toMatchObject({ key: 'poll:demo', name: 'poll-feed', every: 90_000 });
    expect(await syncSchedules(q.feedsQueue, new Map())).toEqual([]);
    expect(await q.feedsQueue.getJobSchedulers()).toEqual([]);
  });
});
