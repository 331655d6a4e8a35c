/**
 * Applying a dry run's plan (the ops console's "Sync now", confirmed): exactly the plan shown,
 * refused once OpenApp changed or the plan is old, and the guards still hold what they held.
 */
import { describe, expect, it } from 'vitest';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { applyDryRun, RunStateError } from '../../src/queue/run-actions.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { MAPLE_COURT, residentEmails, residentRole } from '../helpers/simulator.js';
import { syncAndWait, workerSetup } from '../helpers/worker.js';

const BEN = '01JHMXBHC8PKMBCD5XT0ZW2M41';
const cleanup = cleanupAfterEach();

async function setup(feedOptions: Parameters<typeof workerSetup>[1] = {}) {
  const { sim, q } = await workerSetup(cleanup, feedOptions);
  const residents = () => residentEmails(sim, MAPLE_COURT);
  const mutations = () => sim.requests.since().filter((r) => r.method !== 'GET').length;
  return { sim, q, residents, mutations };
}

describe('applying a dry run', () => {
  it('applies exactly the plan the dry run showed, and the run is no longer a dry run', async () => {
    const { q, residents, mutations } = await setup();
    const planned = await syncAndWait(q, { building: MAPLE_COURT, dryRun: true });
    expect(planned.status).toBe('planned');
    expect(mutations()).toBe(0);

    await applyDryRun(q.buildingsQueue, q.runs, planned.id, 'ops');
    const applied = await waitForRun(q.runs, planned.id, 20_000);
    expect(applied).toMatchObject({
      status: 'applied',
      dryRun: false,
      error: 'apply of the dry run asked for by ops',
    });
    expect(residents()).toEqual(['ana.gomez@example.com', 'gina.liu@example.com']);
    expect(applied.buildings[MAPLE_COURT]?.results?.map((r) => `${r.op} ${r.outcome}`).sort()).toEqual([
      'add applied',
      'remove applied',
    ]);
  });

  it('refuses once OpenApp changed since the plan was made, and changes nothing', async () => {
    const { sim, q, mutations } = await setup();
    const planned = await syncAndWait(q, { building: MAPLE_COURT, dryRun: true });
    const store = sim.store();
    store.addBuildingUser(
      MAPLE_COURT,
      store.integrations.get(MAPLE_COURT)!.org_id,
      BEN,
      residentRole(MAPLE_COURT),
    );

    await applyDryRun(q.buildingsQueue, q.runs, planned.id, 'ops');
    const deadline = Date.now() + 15_000;
    let run = await q.runs.require(planned.id);
    while (!run.buildings[MAPLE_COURT]?.error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      run = await q.runs.require(planned.id);
    }
    expect(run.buildings[MAPLE_COURT]?.error).toMatch(
      /changed since run .* was planned; trigger a fresh plan/,
    );
    expect(run.buildings[MAPLE_COURT]?.status).toBe('planned');
    expect(run.dryRun).toBe(true);
    expect(run.error).toMatch(/^not applied: OpenApp's users of .* changed since run/);
    expect(mutations()).toBe(0);
  });

  it('still holds the removals a guard held in the plan: adds go ahead, removals wait for approval', async () => {
    const { q, residents } = await setup({
      mappingEdit: (m) => m.replace('max_removals: 10', 'max_removals: 0'),
    });
    const planned = await syncAndWait(q, { building: MAPLE_COURT, dryRun: true });
    expect(planned.buildings[MAPLE_COURT]?.plan?.buildings[0]?.held).toBe(true);

    await applyDryRun(q.buildingsQueue, q.runs, planned.id, 'ops');
    const held = await waitForRun(q.runs, planned.id, 20_000);
    expect(held.status).toBe('held');
    expect(residents()).toEqual(['ana.gomez@example.com', 'eve.martin@example.com', 'gina.liu@example.com']);
  });

  it('refuses a run that is not a planned dry run, or one planned more than an hour ago', async () => {
    const { q } = await setup();
    const real = await syncAndWait(q, { building: MAPLE_COURT });
    await expect(applyDryRun(q.buildingsQueue, q.runs, real.id, 'ops')).rejects.toThrow(RunStateError);
    const planned = await syncAndWait(q, { building: MAPLE_COURT, dryRun: true });
    await expect(
      applyDryRun(q.buildingsQueue, q.runs, planned.id, 'ops', Date.now() + 2 * 3600_000),
    ).rejects.toThrow(/more than an hour ago: plan again/);
    expect((await q.runs.require(planned.id)).status).toBe('planned');
  });
});
