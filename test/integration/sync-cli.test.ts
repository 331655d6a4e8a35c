/**
 * The `pms-sync plan | apply | mappings` commands as an operator runs them: a child process,
 * configured by the environment, talking to a simulator over HTTP. Checks output and exit codes.
 */
import { runCli, type CliResult } from '../helpers/cli.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { MAPLE_COURT, ORG_ID, SECRET, testSimulator } from '../helpers/simulator.js';

const root = new URL('../../', import.meta.url).pathname;
const MAPPING = path.join(root, 'mappings/generic.yaml');
const CSV = path.join(root, 'examples/exports/generic-residents.csv');
const AT = '2026-11-22T09:00:00-06:00';

const cleanup = cleanupAfterEach();

function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env });
}

async function simEnv() {
  const sim = await testSimulator();
  cleanup.push(() => sim.close());
  return {
    sim,
    env: {
      OPENAPP_API_BASE: sim.apiRoot,
      OPENAPP_API_KEY: sim.key,
      OPENAPP_ORG_ID: ORG_ID,
      OPENAPP_API_GENERATION: '2026',
    },
  };
}

async function tempDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-cli-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('pms-sync plan', () => {
  it('prints the plan as JSON in the documented shape, changes nothing, and exits 0', async () => {
    const { sim, env } = await simEnv();
    const r = await run(['plan', '--mapping', MAPPING, '--csv', CSV, '--at', AT, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      at: string;
      integrations: {
        integration_id: string;
        add: { email: string }[];
        remove: { email: string; reason: string }[];
        needs_invite: unknown[];
        unchanged: number;
        held: boolean;
        hold_reason: string | null;
      }[];
      rejected: { line: number; errors: string[] }[];
    };
    expect(json.at).toBe('2026-11-22T15:00:00.000Z');
    const maple = json.integrations.find((i) => i.integration_id === MAPLE_COURT);
    expect(maple).toMatchObject({ unchanged: 1, held: false, hold_reason: null });
    expect(maple?.add.map((a) => a.email)).toEqual(['gina.liu@example.com']);
    expect(maple?.remove).toEqual([
      expect.objectContaining({
        email: 'eve.martin@example.com',
        reason: 'moved out 2026-10-31 (+1 grace day)',
      }),
    ]);
    expect(json.rejected).toEqual([{ line: 11, errors: [expect.stringContaining('column move_in')] }]);
    expect(sim.requests.since().every((q) => q.method === 'GET')).toBe(true);
  });

  it('exits 3 when a safety guard holds a building, and says why', async () => {
    const { env } = await simEnv();
    const dir = await tempDir();
    const strict = path.join(dir, 'strict.yaml');
    await writeFile(strict, (await readFile(MAPPING, 'utf8')).replace('max_removals: 10', 'max_removals: 0'));
    const r = await run(['plan', '--mapping', strict, '--csv', CSV, '--at', AT], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('HELD: 1 removals exceed the limit of 0');
  });

  it.each([
    [
      'a mapping with a mistake',
      ['--mapping', 'BROKEN', '--csv', CSV],
      /broken\.yaml > fields > unit: required/,
    ],
    [
      'an export that is missing',
      ['--mapping', MAPPING, '--csv', '/nonexistent/export.csv'],
      /\/nonexistent\/export\.csv.*ENOENT/,
    ],
    [
      'an --at that is not an instant',
      ['--mapping', MAPPING, '--csv', CSV, '--at', 'tomorrow'],
      /expected an ISO instant/,
    ],
  ])('exits 2 for %s, saying where', async (_label, args, message) => {
    const { env } = await simEnv();
    const dir = await tempDir();
    const broken = path.join(dir, 'broken.yaml');
    await writeFile(broken, (await readFile(MAPPING, 'utf8')).replace('  unit: unit\n', ''));
    const r = await run(['plan', ...args.map((a) => (a === 'BROKEN' ? broken : a))], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 and names every missing variable when OpenApp is not configured', async () => {
    const r = await run(['plan', '--mapping', MAPPING, '--csv', CSV]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OPENAPP_API_KEY: required/);
    expect(r.stderr).toMatch(/OPENAPP_ORG_ID: required/);
  });

  it('exits 1 when OpenApp refuses the key, without printing it', async () => {
    const { env } = await simEnv();
    const r = await run(['plan', '--mapping', MAPPING, '--csv', CSV], {
      ...env,
      OPENAPP_API_KEY: 'http://x_openapp_wrong-secret-123',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 401/);
    expect(r.stderr).not.toContain('wrong-secret-123');
    expect(r.stderr).not.toContain(SECRET);
  });
});

describe('pms-sync apply', () => {
  it('refuses to change OpenApp without --yes when nobody can confirm', async () => {
    const { sim, env } = await simEnv();
    const r = await run(['apply', '--mapping', MAPPING, '--csv', CSV, '--at', AT], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(sim.requests.since().filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('applies with --yes and reports what it did', async () => {
    const { sim, env } = await simEnv();
    const r = await run(['apply', '--mapping', MAPPING, '--csv', CSV, '--at', AT, '--yes'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Applied: 2 changed, 0 already as wanted, 0 held, 0 failed (applied).');
    expect(
      sim.requests
        .since()
        .filter((q) => q.method !== 'GET')
        .map((q) => `${q.method} ${q.status}`),
    ).toEqual(['POST 201', 'DELETE 204']);
  });
});

describe('pms-sync mappings', () => {
  it('validates every shipped mapping', async () => {
    const r = await run([
      'mappings',
      'validate',
      ...[
        'generic',
        'yardi-rent-roll',
        'appfolio-tenant-directory',
        'buildium-tenants',
        'entrata-leases',
        'realpage-resident-list',
      ].map((m) => path.join(root, `mappings/${m}.yaml`)),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('checks an export against a mapping: fields, first records, rejected rows', async () => {
    const r = await run(['mappings', 'check', '--mapping', MAPPING, '--csv', CSV, '--rows', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Rows: 10 data, 0 skipped; 9 records, 1 rejected');
    expect(r.stdout).toContain('line 11: column move_in');
    expect(r.stdout).toContain('"name":"Ana Gomez"');
  });

  it('exits 2 when the export does not fit the mapping, listing what is missing', async () => {
    const dir = await tempDir();
    const csv = path.join(dir, 'wrong.csv');
    await writeFile(csv, 'Name,Apartment\nAna,101\n');
    const r = await run(['mappings', 'check', '--mapping', MAPPING, '--csv', csv]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/PROBLEM: .*unit/);
  });
});
