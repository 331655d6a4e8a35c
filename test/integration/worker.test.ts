/**
 * The worker on the real Redis against the simulator: runs end to end, holds and approvals,
 * coalescing, exclusion per building.
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { enqueueApproval, enqueueRun } from '../../src/queue/enqueue-run.js';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { MAPLE_COURT, residentEmails, residentRole } from '../helpers/simulator.js';
import { inProcessWorker, queueSetup, syncAndWait, workerSetup } from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

const setup = (feedOptions: Parameters<typeof workerSetup>[1] = {}) => workerSetup(cleanup, feedOptions);
const residents = residentEmails;

describe('worker', () => {
  it('runs a manual trigger end to end: every building planned and applied, the run recorded', async () => {
    const { sim, q } = await setup();
    const run = await syncAndWait(q);
    expect(run.status).toBe('applied');
    expect(run).toMatchObject({
      trigger: 'manual',
      actor: 'test',
      stats: { rows: 10, records: 9, rejected: 1 },
    });
    expect(run.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(run.buildings).map((b) => b.status)).toEqual(['applied', 'applied']);
    expect(residents(sim, MAPLE_COURT)).toEqual(['ana.gomez@example.com', 'gina.liu@example.com']);
    const mutations = sim.requests.since().filter((r) => r.method !== 'GET');
    expect(mutations.map((m) => `${m.method} ${m.status}`)).toEqual(['POST 201', 'DELETE 204']);
  });

  it('a dry run plans and changes nothing', async () => {
    const { sim, q } = await setup();
    const run = await syncAndWait(q, { dryRun: true });
    expect(run.status).toBe('planned');
    expect(run.buildings[MAPLE_COURT]?.plan?.buildings[0]?.remove).toHaveLength(1);
    expect(sim.requests.since().every((r) => r.method === 'GET')).toBe(true);
  });

  it('holds a plan over a guard, applies it exactly on approval, and refuses approval once OpenApp changed', async () => {
    const { sim, q } = await setup({ mappingEdit: (m) => m.replace('max_removals: 10', 'max_removals: 0') });
    const held = await syncAndWait(q);
    expect(held.status).toBe('held');
    expect(held.buildings[MAPLE_COURT]?.status).toBe('held');
    // Adds went ahead; the removal waits.
    expect(residents(sim, MAPLE_COURT)).toEqual([
      'ana.gomez@example.com',
      'eve.martin@example.com',
      'gina.liu@example.com',
    ]);

    await enqueueApproval(q.buildingsQueue, q.runs, held, 'ops');
    const approved = await waitForRun(q.runs, held.id, 20_000);
    expect(approved.status).toBe('applied');
    expect(residents(sim, MAPLE_COURT)).toEqual(['ana.gomez@example.com', 'gina.liu@example.com']);

    // A second held run, then OpenApp changes before anyone approves it.
    sim
      .store()
      .addBuildingUser(
        MAPLE_COURT,
        sim.store().integrations.get(MAPLE_COURT)!.org_id,
        '01JHMXBMA0XB6V6Z2EABR2E8RA',
        residentRole(MAPLE_COURT),
      );
    const second = await syncAndWait(q);
    expect(second.status).toBe('held');
    sim
      .store()
      .addBuildingUser(
        MAPLE_COURT,
        sim.store().integrations.get(MAPLE_COURT)!.org_id,
        '01JHMXBHC8PKMBCD5XT0ZW2M41',
        residentRole(MAPLE_COURT),
      );
    const before = sim.requests.since().filter((r) => r.method === 'DELETE').length;
    await enqueueApproval(q.buildingsQueue, q.runs, second, 'ops');
    await new Promise((r) => setTimeout(r, 1500));
    const refused = await q.runs.require(second.id);
    expect(refused.buildings[MAPLE_COURT]?.status).toBe('held');
    expect(refused.buildings[MAPLE_COURT]?.error).toMatch(
      /changed since run .* was planned; trigger a fresh plan/,
    );
    expect(sim.requests.since().filter((r) => r.method === 'DELETE').length).toBe(before);
  });

  it('holds a run whose source shrank far below the last good run', async () => {
    const { sim, files, q } = await setup();
    const trigger = async () => syncAndWait(q);
    expect((await trigger()).status).toBe('applied');
    // The next export lost most of its rows (a truncated file): only two residents are left.
    const { readFile, writeFile } = await import('node:fs/promises');
    const lines = (await readFile(files.csvFile, 'utf8')).trim().split('\n');
    await writeFile(files.csvFile, `${lines.slice(0, 3).join('\n')}\n`);
    const shrunk = await trigger();
    expect(shrunk.status).toBe('held');
    expect(shrunk.holdReasons?.[0]).toMatch(
      /the source has 2 rows, 80% fewer than the last good run .* \(10 rows\); the limit is 30%/,
    );
    expect(sim.requests.since().filter((r) => r.method === 'DELETE')).toHaveLength(1); // only the first run's
  });

  it('never folds a dry run into a run that applies, nor the other way round', async () => {
    // No worker until every request is in: each finds the earlier ones still queued, so what
    // coalesces does so by scope alone, not by how fast a worker picked a job up.
    const { sim, files, q, prefix } = await queueSetup(cleanup);
    const request = { feed: 'demo', building: MAPLE_COURT, trigger: 'manual' as const, actor: 'test' };
    const apply = await enqueueRun(q.feedsQueue, q.runs, { ...request, dryRun: false });
    const dry = await enqueueRun(q.feedsQueue, q.runs, { ...request, dryRun: true });
    const anotherDry = await enqueueRun(q.feedsQueue, q.runs, { ...request, dryRun: true });
    const anotherApply = await enqueueRun(q.feedsQueue, q.runs, { ...request, dryRun: false });
    expect(apply.coalesced).toBe(false);
    expect(dry.coalesced).toBe(false); // not into the queued run that applies
    expect(anotherDry).toEqual({ runId: dry.runId, coalesced: true });
    expect(anotherApply).toEqual({ runId: apply.runId, coalesced: true }); // not into the dry run

    const worker = await inProcessWorker(sim, files.feedsFile, prefix);
    cleanup.push(() => worker.close());
    const dryRun = await waitForRun(q.runs, dry.runId, 30_000);
    expect(dryRun).toMatchObject({ dryRun: true, status: 'planned' });
    const applied = await waitForRun(q.runs, apply.runId, 30_000);
    expect(applied).toMatchObject({ dryRun: false, status: 'applied' });
  });

  it('coalesces a burst of ten triggers for one building into at most two runs', async () => {
    const { sim, q } = await setup();
    sim.faults.update({ latencyMs: 100 });
    const queued = await Promise.all(
      Array.from({ length: 10 }, () =>
        enqueueRun(q.feedsQueue, q.runs, {
          feed: 'demo',
          building: MAPLE_COURT,
          trigger: 'webhook',
          actor: 'test',
          dryRun: false,
        }),
      ),
    );
    for (const { runId } of queued) await waitForRun(q.runs, runId, 30_000);
    // Give a waiting job the time to run, then count what actually ran.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await q.runs.list(50, 'demo');
    const ran = all.filter((r) => r.startedAt);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThanOrEqual(2);
    expect(all.every((r) => ['applied', 'superseded'].includes(r.status))).toBe(true);
    // The building was changed once: later runs found nothing to do.
    expect(sim.requests.since().filter((r) => r.method !== 'GET')).toHaveLength(2);
  });
});
