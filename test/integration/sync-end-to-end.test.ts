/**
 * From a PMS export to OpenApp, over real HTTP against the simulator: plan, apply, and check that
 * OpenApp ends in the desired state with exactly one mutation per change.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { planFromFiles } from '../../src/cli/plan-from-files.js';
import { countOperations } from '../../src/core/plan.js';
import { silentLogger } from '../../src/logger.js';
import { applyPlan } from '../../src/sync/apply-plan.js';
import {
  BIRCH_TOWER,
  MAPLE_COURT,
  clientFor,
  residentEmails,
  simulatorWithClient,
} from '../helpers/simulator.js';

const NOW = Date.parse('2026-11-22T09:00:00-06:00');
const cleanup = cleanupAfterEach();

const MAPPING = `
name: e2e
pms: generic
csv: { delimiter: ",", header: { line: 1 } }
fields:
  person_id: Person ID
  property: Property
  unit: Unit
  first_name: First Name
  last_name: Last Name
  email: Email
  status: Status
  move_in: Move In
  move_out: Move Out
date_formats: ["yyyy-MM-dd"]
status:
  current: [Current]
  notice: [Notice]
  future: [Future]
  past: [Past]
buildings:
  table:
    - { property: maple, integration_id: ${MAPLE_COURT} }
    - { property: birch, integration_id: ${BIRCH_TOWER} }
access:
  time_zone: America/Chicago
policy:
  guards: { max_removals: 5, max_removal_percent: 100, max_rejected_percent: 50 }
`;

const HEADER = 'Person ID,Property,Unit,First Name,Last Name,Email,Status,Move In,Move Out';
const ROWS = [
  'p1,maple,101,Ana,Gomez,ana.gomez@example.com,Current,2024-01-01,', // unchanged
  'p2,maple,102,Eve,Martin,eve.martin@example.com,Past,2023-01-01,2026-10-31', // removed
  'p3,maple,103,Gina,Liu,GINA.LIU@example.com,Current,2026-11-01,', // added (account found by search)
  'p4,birch,7,Dev,Singh,dev.singh@example.com,Notice,2022-05-01,2026-12-15', // unchanged (notice)
  'p5,birch,8,Chloe,Park,chloe.park@example.com,Future,2026-11-22,', // added: moves in today
  'p6,birch,9,Hana,New,hana.new@example.com,Future,2026-11-20,', // needs an invitation
  'p7,birch,10,Ben,Okafor,ben.okafor@example.com,Future,2026-12-01,', // not yet
];

async function files(rows: string[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-e2e-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const mappingFile = path.join(dir, 'e2e.yaml');
  const csvFile = path.join(dir, 'export.csv');
  await writeFile(mappingFile, MAPPING);
  await writeFile(csvFile, `${[HEADER, ...rows].join('\r\n')}\r\n`);
  return { mappingFile, csvFile };
}

const setup = () => simulatorWithClient(cleanup);

describe('plan and apply against the simulator', () => {
  it('ends with OpenApp in the desired state, one mutation per change, and a second run changes nothing', async () => {
    const { sim, client } = await setup();
    const { mappingFile, csvFile } = await files(ROWS);

    const first = await planFromFiles({ mappingFile, csvFile, client, now: NOW, logger: silentLogger() });
    const maple = first.plan.buildings.find((b) => b.integrationId === MAPLE_COURT);
    const birch = first.plan.buildings.find((b) => b.integrationId === BIRCH_TOWER);
    expect(maple?.add.map((a) => a.email)).toEqual(['gina.liu@example.com']);
    expect(maple?.remove.map((r) => [r.email, r.reason])).toEqual([
      ['eve.martin@example.com', 'moved out 2026-10-31'],
    ]);
    expect(birch?.add.map((a) => a.email)).toEqual(['chloe.park@example.com']);
    expect(birch?.needsInvite.map((n) => n.email)).toEqual(['hana.new@example.com']);
    expect(first.names.get(MAPLE_COURT)).toBe('Maple Court');

    sim.requests.clear();
    const report = await applyPlan(first.plan, client);
    expect(report.status).toBe('applied');
    const mutations = sim.requests.since().filter((r) => r.method !== 'GET');
    expect(mutations).toHaveLength(3);
    const c = countOperations(first.plan);
    expect(mutations).toHaveLength(c.add + c.remove);

    expect(residentEmails(sim, MAPLE_COURT)).toEqual(['ana.gomez@example.com', 'gina.liu@example.com']);
    expect(residentEmails(sim, BIRCH_TOWER)).toEqual(['chloe.park@example.com', 'dev.singh@example.com']);
    // the concierge's staff role was never touched
    expect(
      sim
        .store()
        .toSnapshot()
        .building_users.some((b) => b.role.endsWith(':staff')),
    ).toBe(true);

    sim.requests.clear();
    const second = await planFromFiles({ mappingFile, csvFile, client, now: NOW, logger: silentLogger() });
    expect(countOperations(second.plan)).toEqual({ add: 0, remove: 0, needsInvite: 1 });
    const again = await applyPlan(second.plan, client);
    expect(again.status).toBe('nothing_to_do');
    expect(sim.requests.since().every((r) => r.method === 'GET')).toBe(true);
  });

  it('removes nobody when the export is cut off mid-file, but still adds', async () => {
    const { sim, client } = await setup();
    const { mappingFile, csvFile } = await files([
      ...ROWS.slice(0, 3),
      'p9,maple,104,"Unclosed,Quote,x@example.com,Current,,',
    ]);
    const { plan } = await planFromFiles({ mappingFile, csvFile, client, now: NOW, logger: silentLogger() });
    expect(plan.sourceComplete).toBe(false);
    expect(countOperations(plan).remove).toBe(0);
    await applyPlan(plan, client);
    expect(sim.requests.since().filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(residentEmails(sim, MAPLE_COURT)).toContain('eve.martin@example.com');
  });

  it('marks a failure retrying may fix as retryable, so the worker tries the building again', async () => {
    const { sim } = await setup();
    const client = clientFor(sim, { maxRetries: 0 });
    cleanup.push(() => client.close());
    const { mappingFile, csvFile } = await files(ROWS);
    const { plan } = await planFromFiles({ mappingFile, csvFile, client, now: NOW, logger: silentLogger() });
    // One operation at a time: the first add meets a 503, the second a refusal retrying cannot fix.
    sim.faults.enqueue([
      { kind: 'error', status: 503 },
      { kind: 'respond', status: 422, body: { message: 'no', error_code: 'validation_failed' } },
    ]);
    const report = await applyPlan(plan, client, { concurrency: 1 });
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([
      expect.objectContaining({ op: 'add', status: 503, retryable: true }),
      expect.objectContaining({ op: 'add', status: 422, retryable: false }),
    ]);
  });

  it('holds a building whose removals pass the guard and applies only its adds', async () => {
    const { sim, client } = await setup();
    const { mappingFile, csvFile } = await files(ROWS);
    // Tighten the guard: Maple Court's one removal is now over the limit of zero.
    const { writeFile: write } = await import('node:fs/promises');
    await write(mappingFile, MAPPING.replace('max_removals: 5', 'max_removals: 0'));
    const { plan } = await planFromFiles({ mappingFile, csvFile, client, now: NOW, logger: silentLogger() });
    expect(plan.buildings.find((b) => b.integrationId === MAPLE_COURT)?.held).toBe(true);
    const report = await applyPlan(plan, client);
    expect(report.counts).toMatchObject({ applied: 2, held: 1, failed: 0 });
    expect(residentEmails(sim, MAPLE_COURT)).toContain('eve.martin@example.com');
    const forced = await applyPlan(plan, client, { allowHeld: true });
    expect(forced.counts.applied).toBe(3); // adds again (idempotent) + the held removal
    expect(residentEmails(sim, MAPLE_COURT)).not.toContain('eve.martin@example.com');
  });
});
