/**
 * Users searches started while the export is read (src/sync/lookups-ahead.ts): the plan is the one
 * planSync makes without them, each needed email is searched once, and a failed search fails the
 * plan as it would have anyway.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/plan-from-files.js';
import { emailsToLookUp } from '../../src/core/planner.js';
import { assessRecords } from '../../src/core/record-assessment.js';
import { silentLogger } from '../../src/logger.js';
import { loadMappingFile } from '../../src/mappings/load-mapping.js';
import { OpenAppError } from '../../src/openapp/openapp-error.js';
import { LookupsAhead } from '../../src/sync/lookups-ahead.js';
import { buildingsOf, feedPolicyFromMapping, listBuildings, planSync } from '../../src/sync/plan-sync.js';
import { readSource } from '../../src/sync/read-source.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { simulatorWithClient } from '../helpers/simulator.js';

const MAPPING = 'mappings/generic.yaml';
const EXAMPLE = 'examples/exports/generic-residents.csv';
const NOW = Date.parse('2026-11-22T09:00:00-06:00');

/**
 * The example export behind 6,000 rows of long-gone residents (no search, no change): the rows
 * that need searches come several read chunks in, after OpenApp's users have been listed.
 */
async function longExport(dir: string): Promise<string> {
  const [header, ...rows] = (await readFile(EXAMPLE, 'utf8')).trimEnd().split('\n');
  const gone = Array.from(
    { length: 6_000 },
    (_, i) =>
      `G${i},LG${i},Maple Court,${200 + (i % 50)},Old,Tenant${i},old.tenant${i}@example.com,,Past,2019-01-01,2020-01-31,`,
  );
  const file = path.join(dir, 'long.csv');
  await writeFile(file, [header, ...gone, ...rows, ''].join('\n'));
  return file;
}

const searchedEmails = (paths: { path: string; query: string }[]) =>
  paths
    .filter((r) => r.path.endsWith('/users/search'))
    .map((r) => new URLSearchParams(r.query).get('q'))
    .sort();

describe('users searches started during the read', () => {
  const cleanup = cleanupAfterEach();

  it('give the plan planSync makes on its own, searching each needed email once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lookups-ahead-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const csvFile = await longExport(dir);
    const { sim, client } = await simulatorWithClient(cleanup);

    const ahead = await planFromFiles({
      mappingFile: MAPPING,
      csvFile,
      client,
      now: NOW,
      logger: silentLogger(),
    });
    const aheadSearches = searchedEmails(sim.requests.since());

    const seq = sim.requests.since().at(-1)?.seq ?? 0;
    const mapping = await loadMappingFile(MAPPING);
    const snapshot = await readSource(mapping, { kind: 'csv', file: csvFile });
    const actual = await listBuildings(client, [
      ...new Set(mapping.buildings.table.map((b) => b.integration_id)),
    ]);
    const alone = await planSync({
      snapshot,
      actual,
      buildings: buildingsOf(mapping, snapshot),
      policy: feedPolicyFromMapping(mapping),
      client,
      now: NOW,
    });

    expect(ahead.plan).toEqual(alone);
    expect(aheadSearches.length).toBeGreaterThan(0);
    expect(aheadSearches).toEqual([...new Set(aheadSearches)]);
    expect(aheadSearches).toEqual(searchedEmails(sim.requests.since(seq)));
  });

  it('search only once OpenApp is listed, and only for residents who need it', async () => {
    const { sim, client } = await simulatorWithClient(cleanup);
    const mapping = await loadMappingFile(MAPPING);
    const policy = feedPolicyFromMapping(mapping);
    const snapshot = await readSource(mapping, { kind: 'csv', file: EXAMPLE });
    const records = [...snapshot.records];
    const ahead = new LookupsAhead(client, policy.access, NOW);

    const growing = records.slice(0, 3);
    ahead.sawRecords(growing);
    growing.push(...records.slice(3));
    ahead.sawRecords(growing);
    expect(searchedEmails(sim.requests.since())).toEqual([]); // OpenApp not listed yet

    const actual = await listBuildings(client, [
      ...new Set(mapping.buildings.table.map((b) => b.integration_id)),
    ]);
    ahead.sawBuildings(actual);
    const early = await ahead.result(growing);

    // The emails planSync itself would search for, and nothing else.
    const seq = sim.requests.since().at(-1)?.seq ?? 0;
    await planSync({
      snapshot: { ...snapshot, records: growing },
      actual,
      lookups: early,
      buildings: buildingsOf(mapping, snapshot),
      policy,
      client,
      now: NOW,
    });
    expect(searchedEmails(sim.requests.since(seq))).toEqual([]); // nothing left to search
    expect([...early.directory.keys()].sort()).toEqual(searchedEmails(sim.requests.since()));

    expect(early.assessment?.kinds).toEqual(assessRecords(growing, policy.access, NOW).kinds);
    expect([...(early.needed?.emails ?? [])].sort()).toEqual(
      emailsToLookUp(growing, actual, policy.access, NOW),
    );

    // Worked out against another map of OpenApp's users: planSync works it out again and searches.
    const again = sim.requests.since().at(-1)?.seq ?? 0;
    await planSync({
      snapshot: { ...snapshot, records: growing },
      actual: new Map(actual),
      lookups: { ...early, directory: new Map() },
      buildings: buildingsOf(mapping, snapshot),
      policy,
      client,
      now: NOW,
    });
    expect(searchedEmails(sim.requests.since(again))).toEqual(
      emailsToLookUp(growing, actual, policy.access, NOW),
    );
    expect((await ahead.result([...growing])).assessment).toBeUndefined(); // not the list it saw
  });

  it('report a failed search when the plan asks for the result', async () => {
    const { sim, client } = await simulatorWithClient(cleanup, {}, { maxRetries: 0 });
    const mapping = await loadMappingFile(MAPPING);
    const policy = feedPolicyFromMapping(mapping);
    const snapshot = await readSource(mapping, { kind: 'csv', file: EXAMPLE });
    const ahead = new LookupsAhead(client, policy.access, NOW);
    ahead.sawBuildings(new Map()); // nobody in any building: every granted resident is searched
    sim.faults.enqueue([
      { kind: 'respond', status: 400, body: { message: 'bad search', error_code: 'bad_request' } },
    ]);
    ahead.sawRecords(snapshot.records);
    await expect(ahead.result(snapshot.records)).rejects.toBeInstanceOf(OpenAppError);
  });
});
