/**
 * Every shipped mapping loads, reads its sample export with the real streaming source, and plans
 * against the simulator seeded with the demo org.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/plan-from-files.js';
import { countOperations } from '../../src/core/plan.js';
import { silentLogger } from '../../src/logger.js';
import type { OpenAppClient } from '../../src/openapp/openapp-client.js';
import { clientFor, testSimulator } from '../helpers/simulator.js';

const root = new URL('../../', import.meta.url).pathname;
const NOW = Date.parse('2026-11-22T12:00:00-06:00');

const SHIPPED = [
  ['generic', 'generic-residents.csv'],
  ['yardi-rent-roll', 'yardi-rent-roll.csv'],
  ['appfolio-tenant-directory', 'appfolio-tenant-directory.csv'],
  ['buildium-tenants', 'buildium-tenants.csv'],
  ['entrata-leases', 'entrata-leases.csv'],
  ['realpage-resident-list', 'realpage-resident-list.csv'],
  // A database mapping reads the same rows as CSV too (its query's columns are the header).
  ['pms-db', '../pms-db/residents.csv'],
] as const;

let sim: Awaited<ReturnType<typeof testSimulator>>;
let client: OpenAppClient;
beforeAll(async () => {
  sim = await testSimulator();
  client = clientFor(sim);
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

describe.each(SHIPPED)('mappings/%s.yaml', (mapping, sample) => {
  it(`reads examples/exports/${sample} to the end and plans it`, async () => {
    const { snapshot, plan } = await planFromFiles({
      mappingFile: path.join(root, 'mappings', `${mapping}.yaml`),
      csvFile: path.join(root, 'examples/exports', sample),
      client,
      now: NOW,
      logger: silentLogger(),
    });
    expect(snapshot.complete).toBe(true);
    expect(snapshot.records.length).toBeGreaterThan(3);
    expect(plan.buildings.map((b) => b.integrationId).sort()).toEqual([
      '01JHMXBDF8Y1BPPS5GDYJVYF4E',
      '01JHMXBEEGMNFDYXGRFHE5X3F8',
    ]);
    const ops = countOperations(plan);
    expect(ops.add + ops.needsInvite).toBeGreaterThan(0);
    // Every rejected row says where it is.
    for (const r of plan.rejected) expect(r.line).toBeGreaterThan(1);
  });
});
