/**
 * The PMS database as a source, on the machine's real PostgreSQL and MariaDB (a database of its
 * own per test): the same plan as the same rows in a CSV export, dates exactly as stored, a
 * read-only transaction, and no removals when the read fails before or during the rows.
 */
import { readFile } from 'node:fs/promises';
import { ulid } from 'ulid';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/plan-from-files.js';
import { countOperations } from '../../src/core/plan.js';
import { residentRecordSchema } from '../../src/core/resident-record.js';
import { silentLogger } from '../../src/logger.js';
import { loadMappingFile, parseMapping } from '../../src/mappings/load-mapping.js';
import type { Mapping } from '../../src/mappings/mapping-schema.js';
import { DatabaseSourceError } from '../../src/sources/database-error.js';
import { applyPlan } from '../../src/sync/apply-plan.js';
import { readDatabaseExport, type DatabaseSourceSpec } from '../../src/sync/read-database-export.js';
import { buildingsOf, feedPolicyFromMapping, planSync } from '../../src/sync/plan-sync.js';
import type { SourceSnapshot } from '../../src/sync/source-snapshot.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import {
  DEMO_CSV,
  DEMO_MAPPING,
  createTestDatabase,
  loadDemoPms,
  mariadbReader,
  waitUntil,
  withPassword,
  type TestDatabase,
} from '../helpers/databases.js';
import type { clientFor } from '../helpers/simulator.js';
import { MAPLE_COURT, simulatorWithClient } from '../helpers/simulator.js';

const NOW = Date.parse('2026-11-22T09:00:00-06:00');
const cleanup = cleanupAfterEach();

/** The URL in a variable of its own, as a feed names it; removed after the test. */
function urlVariable(url: string): string {
  const name = `T${ulid()}_DATABASE_URL`;
  process.env[name] = url;
  cleanup.push(async () => delete process.env[name]);
  return name;
}

function source(urlEnv: string, parameters: Record<string, string> = {}): DatabaseSourceSpec {
  return { urlEnv, parameters, label: 'feed demo' };
}

async function demoMapping(query?: string, timeoutMs?: number): Promise<Mapping> {
  const raw = parse(await readFile(DEMO_MAPPING, 'utf8')) as { database: Record<string, unknown> };
  if (query !== undefined) raw.database.query = query;
  if (timeoutMs !== undefined) raw.database.statement_timeout_ms = timeoutMs;
  return parseMapping(raw, 'pms-db.yaml');
}

const simulator = () => simulatorWithClient(cleanup);

/** Plans a snapshot against the simulator as `pms-sync plan` does. */
async function planOf(snapshot: SourceSnapshot, mapping: Mapping, client: ReturnType<typeof clientFor>) {
  return planSync({
    snapshot,
    buildings: buildingsOf(mapping, snapshot),
    policy: feedPolicyFromMapping(mapping),
    client,
    now: NOW,
  });
}

/**
 * The demo query, then many filler rows (Vacant: they grant nothing, so nothing is looked up),
 * the fillers after the first fetch sleeping a little each: a read that is still going when a
 * test breaks it. The demo rows come first, so Eve Martin (moved out) has been read.
 */
function slowQuery(dialect: TestDatabase['dialect']): string {
  const demo = `SELECT r.person_id, l.lease_id, p.name AS property, u.unit_number AS unit, r.first_name,
      r.last_name, r.email, r.phone, l.status, l.move_in, l.move_out, r.openapp_user_id, NULL AS pause
    FROM residents r JOIN leases l ON l.lease_id = r.lease_id JOIN units u ON u.unit_id = l.unit_id
    JOIN properties p ON p.property_id = u.property_id WHERE p.portfolio = :portfolio`;
  if (dialect === 'postgres') {
    return `${demo} UNION ALL SELECT 'X' || n, 'LX' || n, 'Maple Court', '101', 'Filler', 'Row',
      'filler' || n || '@example.com', NULL, 'Vacant', NULL, NULL, NULL,
      CASE WHEN n > 3000 THEN pg_sleep(0.01)::text END FROM generate_series(1, 100000) AS n`;
  }
  return `${demo} UNION ALL SELECT CONCAT('X', seq), CONCAT('LX', seq), 'Maple Court', '101', 'Filler', 'Row',
    CONCAT('filler', seq, '@example.com'), NULL, 'Vacant', NULL, NULL, NULL,
    CASE WHEN seq > 3000 THEN SLEEP(0.01) END FROM seq_1_to_100000`;
}

describe.each(['postgres', 'mysql'] as const)('database source on %s', (dialect) => {
  it('plans from the database exactly what it plans from the same rows as a CSV export', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const { client } = await simulator();
    const urlEnv = urlVariable(db.url);

    const fromCsv = await planFromFiles({
      mappingFile: DEMO_MAPPING,
      csvFile: DEMO_CSV,
      client,
      now: NOW,
      logger: silentLogger(),
    });
    const fromDb = await planFromFiles({
      mappingFile: DEMO_MAPPING,
      source: { kind: 'database', ...source(urlEnv) },
      client,
      now: NOW,
      logger: silentLogger(),
    });
    expect(fromDb.snapshot.complete).toBe(true);
    expect(fromDb.snapshot.records).toEqual(fromCsv.snapshot.records);
    expect(fromDb.snapshot.rejected).toEqual(fromCsv.snapshot.rejected);
    expect(fromDb.snapshot.stats).toEqual(fromCsv.snapshot.stats);
    expect(fromDb.plan).toEqual(fromCsv.plan);
    // The parameter kept the other portfolio's property out; dates are the stored calendar dates.
    expect(fromDb.snapshot.records.map((r) => r.personId)).not.toContain('P9001');
    const eve = fromDb.snapshot.records.find((r) => r.personId === 'P1002');
    expect([eve?.moveIn, eve?.moveOut]).toEqual(['2023-02-01', '2026-10-31']);
    for (const r of fromDb.snapshot.records) residentRecordSchema.parse(r);
    // Something to compare: Eve Martin moved out and is removed; Gina Liu is added.
    expect(countOperations(fromDb.plan)).toMatchObject({ add: 1, remove: 1 });
  });

  it('sends parameter values apart from the SQL: a value full of SQL is only a value', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const urlEnv = urlVariable(db.url);
    const mapping = await loadMappingFile(DEMO_MAPPING);
    const other = await readDatabaseExport(mapping, source(urlEnv, { portfolio: 'OAK' }));
    expect(other.records).toEqual([]); // Oak Street Lofts is not in the buildings table…
    expect(other.rejected.map((r) => r.errors.join(' '))).toEqual([
      expect.stringContaining('no building for property "Oak Street Lofts"'), // …but its row was read
    ]);
    const injected = await readDatabaseExport(mapping, source(urlEnv, { portfolio: "MAPLE' OR '1'='1" }));
    expect(injected.stats.rows).toBe(0);
  });

  it('reads inside a read-only transaction: a query that writes is refused and writes nothing', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const urlEnv = urlVariable(db.url);
    const write =
      dialect === 'postgres'
        ? `WITH gone AS (DELETE FROM residents RETURNING person_id) SELECT person_id FROM gone`
        : `DELETE FROM residents`;
    const err = await readDatabaseExport(await demoMapping(write), source(urlEnv)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseSourceError);
    expect((err as DatabaseSourceError).message).toMatch(/read[- ]only/i);
    expect((err as DatabaseSourceError).retryable).toBe(false);
    expect(await db.exec('SELECT COUNT(*) FROM residents')).toEqual([[dialect === 'postgres' ? '11' : 11]]);
  });

  it('refuses a query the database rejects, naming the feed, the query and what the database said, never the password', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const password = `pw-${ulid()}`;
    const user = dialect === 'postgres' ? 'postgres' : await mariadbReader(db, cleanup, password);
    const urlEnv = urlVariable(withPassword(db.url, user, password));
    const { sim, client } = await simulator();
    const mapping = await demoMapping(
      'SELECT person_id, unit FROM no_such_table WHERE portfolio = :portfolio',
    );

    const err = await readDatabaseExport(mapping, source(urlEnv)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseSourceError);
    const message = (err as Error).message;
    expect(message).toContain('feed demo');
    expect(message).toContain('SELECT person_id, unit FROM no_such_table');
    expect(message).toMatch(
      dialect === 'postgres' ? /relation "no_such_table" does not exist/ : /no_such_table' doesn't exist/,
    );
    expect(message).not.toContain(password);
    expect((err as DatabaseSourceError).retryable).toBe(false);
    // Nothing was planned, so nothing changed in OpenApp.
    expect(sim.requests.since().filter((r) => r.method !== 'GET')).toEqual([]);
    void client;
  });

  it('removes nobody when the connection is dropped mid-read, and still adds', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const urlEnv = urlVariable(db.url);
    const { sim, client } = await simulator();
    const mapping = await demoMapping(slowQuery(dialect));

    const reading = readDatabaseExport(mapping, source(urlEnv));
    // The reader's connection is busy with the slow fillers: the demo rows are read by then.
    const sleeping =
      dialect === 'postgres'
        ? `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'pms-sync' AND wait_event = 'PgSleep'`
        : `SELECT COUNT(*) FROM information_schema.processlist WHERE db = '${db.name}' AND state = 'User sleep'`;
    expect(await waitUntil(async () => Number((await db.exec(sleeping))[0]?.[0]) > 0)).toBe(true);
    expect(await db.dropReaderConnection()).toBe(true);
    const snapshot = await reading;

    expect(snapshot.complete).toBe(false);
    expect(snapshot.problem).toContain('feed demo: the read stopped after');
    expect(snapshot.stats.rows).toBeGreaterThanOrEqual(2000); // at least the first fetch
    const plan = await planOf(snapshot, mapping, client);
    expect(plan.sourceComplete).toBe(false);
    expect(countOperations(plan)).toMatchObject({ add: 1, remove: 0 });
    await applyPlan(plan, client);
    expect(sim.requests.since().filter((r) => r.method === 'DELETE')).toEqual([]);
    const maple = sim
      .store()
      .toSnapshot()
      .building_users.filter((b) => b.integration_id === MAPLE_COURT);
    expect(maple.map((b) => b.user_id)).toContain('01JHMXBMA0XB6V6Z2EABR2E8RA'); // Eve Martin keeps access
  });

  it('removes nobody when the statement timeout stops the read midway', async () => {
    const db = await createTestDatabase(dialect, cleanup);
    await loadDemoPms(db);
    const urlEnv = urlVariable(db.url);
    const { client } = await simulator();
    const mapping = await demoMapping(slowQuery(dialect), 1_500);

    const snapshot = await readDatabaseExport(mapping, source(urlEnv));
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problem).toMatch(
      dialect === 'postgres' ? /statement timeout/ : /max_statement_time|interrupted/i,
    );
    const plan = await planOf(snapshot, mapping, client);
    expect(countOperations(plan).remove).toBe(0);
    expect(plan.buildings.find((b) => b.integrationId === MAPLE_COURT)?.holdReasons.join(' ')).toContain(
      'not read to the end',
    );
  });
});
