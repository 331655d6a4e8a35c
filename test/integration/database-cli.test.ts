/**
 * `pms-sync plan | apply` with a PMS database as the source, as an operator runs them: a child
 * process, the URL in an environment variable, the demo PMS on the real PostgreSQL.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { DEMO_MAPPING, createTestDatabase, loadDemoPms, withPassword } from '../helpers/databases.js';
import { MAPLE_COURT, ORG_ID, testSimulator } from '../helpers/simulator.js';

const AT = '2026-11-22T09:00:00-06:00';
const PASSWORD = 'cli-secret-pw-4417';
const cleanup = cleanupAfterEach();

async function setup(withDatabase = true) {
  const db = withDatabase ? await createTestDatabase('postgres', cleanup) : undefined;
  if (db) await loadDemoPms(db);
  const sim = await testSimulator();
  cleanup.push(() => sim.close());
  const env = {
    PATH: process.env.PATH ?? '',
    LOG_LEVEL: 'warn',
    OPENAPP_API_BASE: sim.apiRoot,
    OPENAPP_API_KEY: sim.key,
    OPENAPP_ORG_ID: ORG_ID,
    OPENAPP_API_GENERATION: '2026',
    // PostgreSQL here trusts loopback: the password is only there to be kept out of the output.
    PMS_DATABASE_URL: withPassword(db?.url ?? 'postgres://127.0.0.1:1/none', 'postgres', PASSWORD),
  };
  const run = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
    runCli(args, { ...env, ...extra });
  return { db, sim, run };
}

describe('pms-sync plan and apply from a PMS database', () => {
  it('plans from the database, applies with --yes, and a second plan has nothing left to do', async () => {
    const { sim, run } = await setup();
    const source = ['--mapping', DEMO_MAPPING, '--database-url-env', 'PMS_DATABASE_URL', '--at', AT];
    const planned = await run(['plan', ...source, '--json']);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    const json = JSON.parse(planned.stdout) as {
      integrations: { integration_id: string; add: { email: string }[]; remove: { email: string }[] }[];
    };
    const maple = json.integrations.find((i) => i.integration_id === MAPLE_COURT);
    expect(maple?.add.map((a) => a.email)).toEqual(['gina.liu@example.com']);
    expect(maple?.remove.map((r) => r.email)).toEqual(['eve.martin@example.com']);
    expect(sim.requests.since().every((r) => r.method === 'GET')).toBe(true);

    const applied = await run(['apply', ...source, '--yes']);
    expect(applied.code).toBe(0);
    const again = await run(['plan', ...source, '--json']);
    const after = JSON.parse(again.stdout) as typeof json;
    expect(after.integrations.flatMap((i) => [...i.add, ...i.remove])).toEqual([]);
  });

  it('mappings check reads the query: its columns as the header, the first records, the rejected rows', async () => {
    const { run } = await setup();
    const r = await run([
      'mappings',
      'check',
      '--mapping',
      DEMO_MAPPING,
      '--database-url-env',
      'PMS_DATABASE_URL',
      '--rows',
      '2',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const check = JSON.parse(r.stdout) as {
      file: string;
      encoding?: string;
      header: { columns: string[] };
      problems: string[];
      records: { integrationId: string }[];
      counts: { rows: number; records: number; rejected: number };
    };
    expect(check.file).toBe('the database in PMS_DATABASE_URL');
    expect(check.encoding).toBeUndefined();
    expect(check.header.columns).toContain('person_id');
    expect(check.problems).toEqual([]);
    expect(check.records).toHaveLength(2);
    expect(check.counts.rows).toBe(check.counts.records + check.counts.rejected);
    expect(check.counts.records).toBeGreaterThan(2);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('takes parameter values with --param: another portfolio, another set of rows', async () => {
    const { run } = await setup();
    const r = await run([
      'plan',
      '--mapping',
      DEMO_MAPPING,
      '--database-url-env',
      'PMS_DATABASE_URL',
      '--param',
      'portfolio=OAK',
      '--at',
      AT,
    ]);
    // Oak Street Lofts is in no building of the mapping: its one row is rejected, nobody planned.
    expect(r.stdout).toContain('Oak Street Lofts');
    expect(r.code).toBe(3); // Maple Court and Birch Tower have no rows now: held
  });

  it('exits 2 on a query the database refuses, naming the query and the reason, never the password', async () => {
    const { run } = await setup();
    const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-db-cli-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const mapping = path.join(dir, 'broken.yaml');
    const text = await readFile(DEMO_MAPPING, 'utf8');
    await writeFile(mapping, text.replace('JOIN properties p', 'JOIN propertees p'));
    const r = await run(['plan', '--mapping', mapping, '--database-url-env', 'PMS_DATABASE_URL', '--at', AT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the database in PMS_DATABASE_URL: the database refused the query');
    expect(r.stderr).toContain('relation "propertees" does not exist');
    expect(r.stderr).toContain('SELECT r.person_id, l.lease_id');
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });

  it('exits 1 when the database cannot be reached (it may come back), never showing the password', async () => {
    const { run } = await setup(false);
    const r = await run(['plan', '--mapping', DEMO_MAPPING, '--database-url-env', 'PMS_DATABASE_URL'], {
      PMS_DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:1/nowhere`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot connect to postgres://postgres@127.0.0.1:1/nowhere');
    expect(r.stderr).not.toContain(PASSWORD);
  });

  it.each([
    [['--csv', 'x.csv', '--database-url-env', 'PMS_DATABASE_URL'], 'give exactly one source'],
    [[], 'give exactly one source'],
    [['--database-url-env', 'PMS_DB'], 'does not end in DATABASE_URL'],
    [['--database-url-env', 'NOT_SET_DATABASE_URL'], 'NOT_SET_DATABASE_URL is not set'],
    [['--csv', 'x.csv', '--param', 'a=b'], '--param goes with --database-url-env'],
  ])('exits 2 on a bad source: %j', async (args, message) => {
    const { run } = await setup(false);
    for (const command of [['plan'], ['mappings', 'check']]) {
      const r = await run([...command, '--mapping', DEMO_MAPPING, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
