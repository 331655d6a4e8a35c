/**
 * Invitations end to end: a worker on the real Redis against the simulator's org invitations.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { planFromFiles } from '../../src/cli/plan-from-files.js';
import { silentLogger } from '../../src/logger.js';
import { InvitationLedgerStore } from '../../src/queue/invitation-ledger-store.js';
import { PersonLinkStore } from '../../src/queue/person-link-store.js';
import { feedPolicyFromMapping } from '../../src/sync/plan-sync.js';
import { sendInvitations } from '../../src/sync/send-invitations.js';
import {
  BIRCH_TOWER,
  MAPLE_COURT,
  clientFor,
  residentRole,
  simFetch,
  testSimulator,
} from '../helpers/simulator.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runCli } from '../helpers/cli.js';
import {
  REDIS_URL,
  syncAndWait,
  childEnv,
  deletePrefix,
  removeDir,
  uniquePrefix,
  workerSetup,
  writeFeed,
} from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setup(
  generation: '2025' | '2026' = '2026',
  options: { policy?: string; ttlMs?: number; cooldownMs?: number } = {},
) {
  const policy = options.policy ?? "enabled: true, sending_hours: { start: '00:00', end: '00:00' }";
  const { sim, files, q, prefix } = await workerSetup(
    cleanup,
    { feedExtra: `    invitations: { ${policy} }\n` },
    {
      generation,
      invitations: {
        ttlMs: options.ttlMs ?? 7 * 24 * 3600_000,
        resendCooldownMs: options.cooldownMs ?? 60_000,
      },
    },
  );
  const run = async () => syncAndWait(q);
  const invitations = () => sim.store().listInvitations('01JHMXBCG0MXAGCV3XK95ZJ3N0');
  return { sim, files, q, run, invitations, prefix };
}

describe('invitations', () => {
  it('invites each resident without an account once, and sends nothing more while it is pending', async () => {
    const { run, invitations, sim } = await setup();
    const first = await run();
    expect(first.status).toBe('applied');
    const sent = invitations();
    expect(sent.map((i) => i.email).sort()).toEqual([
      'hana.new@example.com',
      'kofi.mensah@example.com',
      'petrov.family@example.com',
    ]);
    expect(sent.find((i) => i.email === 'hana.new@example.com')?.site_access).toEqual({
      integration_id: BIRCH_TOWER,
      role: residentRole(BIRCH_TOWER),
    });
    expect(first.buildings[BIRCH_TOWER]?.invitations).toMatchObject({ invited: 2, failed: [] });

    await run();
    expect(invitations()).toHaveLength(3);
    expect(invitations().every((i) => i.sent_count === 1)).toBe(true);
    const creates = sim.requests
      .since()
      .filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
    expect(creates).toHaveLength(3);
  });

  it('a resident who redeems appears in the building and gets no more sends; one who moved out before accepting is withdrawn', async () => {
    const { run, invitations, sim, files } = await setup();
    await run();
    const hana = invitations().find((i) => i.email === 'hana.new@example.com');
    await simFetch(sim, `/_sim/invitations/${hana?.id}/redeem`, {
      method: 'POST',
      json: { name: 'Hana New' },
    });
    // Kofi gave notice and moved out before accepting.
    const csv = await readFile(files.csvFile, 'utf8');
    await writeFile(files.csvFile, csv.replace('Notice,2025-03-01,2026-12-15', 'Past,2025-03-01,2026-11-01'));

    const after = await run();
    expect(after.status).toBe('applied');
    const byEmail = new Map(invitations().map((i) => [i.email, sim.store().invitationStatus(i)]));
    expect(byEmail.get('hana.new@example.com')).toBe('accepted');
    expect(byEmail.get('kofi.mensah@example.com')).toBe('cancelled');
    expect(after.buildings[MAPLE_COURT]?.invitations?.cancelled).toBe(1);
    const state = sim.store().toSnapshot();
    const hanaUser = state.users.find((u) => u.email === 'hana.new@example.com');
    expect(
      state.building_users.some((b) => b.user_id === hanaUser?.id && b.role === residentRole(BIRCH_TOWER)),
    ).toBe(true);
    expect(invitations().find((i) => i.email === 'hana.new@example.com')?.sent_count).toBe(1);
  });

  it('links an accepted invitation to the PMS person: a later email change neither removes nor re-invites them', async () => {
    const { run, invitations, sim, files } = await setup();
    await run();
    const hana = invitations().find((i) => i.email === 'hana.new@example.com');
    await simFetch(sim, `/_sim/invitations/${hana?.id}/redeem`, {
      method: 'POST',
      json: { name: 'Hana New' },
    });
    await run(); // learns the link from the accepted invitation
    const csv = await readFile(files.csvFile, 'utf8');
    await writeFile(files.csvFile, csv.replace('hana.new@example.com', 'hana.married-name@example.com'));
    const seq = sim.requests.since().at(-1)?.seq ?? 0;
    const after = await run();
    expect(after.status).toBe('applied');
    expect(after.buildings[BIRCH_TOWER]?.plan?.buildings[0]?.needsInvite.map((n) => n.email)).not.toContain(
      'hana.married-name@example.com',
    );
    expect(sim.requests.since(seq).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(invitations().map((i) => i.email)).not.toContain('hana.married-name@example.com');
  });

  it('never sends twice after a crash between recording the intent and the call', async () => {
    const { run, invitations, q, prefix } = await setup();
    // What a worker killed right after writing its intent leaves behind: no invitation in OpenApp.
    await new InvitationLedgerStore(q.redis, prefix).write({
      contact: { email: 'hana.new@example.com', phone: null },
      integrationId: BIRCH_TOWER,
      state: 'intent',
      sends: 0,
      lastSentAt: null,
      recordedAt: new Date().toISOString(),
    });
    const result = await run();
    expect(invitations().map((i) => i.email)).not.toContain('hana.new@example.com');
    expect(result.buildings[BIRCH_TOWER]?.invitations?.waiting).toBeGreaterThanOrEqual(1);
  });

  it('keeps the intent after a 503 with Retry-After: the invitation may exist, so it is not sent again once the wait is over', async () => {
    const prefix = uniquePrefix();
    const sim = await testSimulator();
    const client = clientFor(sim);
    const files = await writeFeed();
    const redis = new Redis(REDIS_URL);
    cleanup.push(
      () => sim.close(),
      () => client.close(),
      () => removeDir(files.dir),
      () => deletePrefix(prefix),
      () => redis.quit(),
    );
    const now = Date.now();
    const { plan, mapping, snapshot } = await planFromFiles({
      ...files,
      client,
      now,
      logger: silentLogger(),
    });
    const ledger = new InvitationLedgerStore(redis, prefix);
    const send = () =>
      sendInvitations({
        plan,
        integrationId: BIRCH_TOWER,
        records: snapshot.records,
        policy: feedPolicyFromMapping(mapping),
        invitations: {
          enabled: true,
          reminder_hours: 24,
          max_sends: 3,
          min_interval_hours: 24,
          sending_hours: { start: '00:00', end: '00:00' },
        },
        client,
        ledger,
        links: new PersonLinkStore(redis, prefix),
        now,
        correlationId: 'test',
      });
    // OpenApp's (empty) list as it is, then a 503 asking to come back in 1 s for the first create.
    sim.faults.enqueue([
      { kind: 'respond', status: 200, body: { invitations: [] } },
      { kind: 'error', status: 503, retryAfterSeconds: 1 },
    ]);
    const first = await send();
    expect(first).toMatchObject({ invited: 1, failed: [{ contact: 'hana.new@example.com' }] });
    const entry = (await ledger.list(BIRCH_TOWER)).find((e) => e.contact.email === 'hana.new@example.com');
    expect(entry).toMatchObject({ state: 'intent', notBefore: expect.any(String) });

    await new Promise((r) => setTimeout(r, 1_100)); // past the Retry-After
    const second = await send();
    expect(second.invited).toBe(0);
    expect(second.plan?.waiting.find((w) => w.email === 'hana.new@example.com')?.reason).toMatch(
      /OpenApp does not list it yet/,
    );
  });

  it('reminds before expiry up to the maximum number of sends', async () => {
    // Invitations that live 12 h are inside a 24 h reminder window from the start.
    const { run, invitations } = await setup('2026', {
      ttlMs: 12 * 3600_000,
      cooldownMs: 0,
      policy:
        "enabled: true, reminder_hours: 24, max_sends: 2, min_interval_hours: 0, sending_hours: { start: '00:00', end: '00:00' }",
    });
    await run();
    await run();
    expect(invitations().map((i) => i.sent_count)).toEqual([2, 2, 2]);
    const third = await run();
    expect(invitations().map((i) => i.sent_count)).toEqual([2, 2, 2]);
    expect(third.buildings[BIRCH_TOWER]?.invitations?.resent).toBe(0);
  });

  it('the hourly invitation round sends due reminders without a sync', async () => {
    const { run, invitations, q, sim } = await setup('2026', {
      ttlMs: 12 * 3600_000,
      cooldownMs: 0,
      policy:
        "enabled: true, reminder_hours: 24, max_sends: 3, min_interval_hours: 0, sending_hours: { start: '00:00', end: '00:00' }",
    });
    await run();
    const runsBefore = (await q.runs.listMeta()).length;
    const seq = sim.requests.since().at(-1)?.seq ?? 0;
    const job = await q.feedsQueue.add('feed-invitations', { feed: 'demo' });
    await until(async () => (await job.getState()) === 'completed', 15_000);
    expect(invitations().map((i) => i.sent_count)).toEqual([2, 2, 2]);
    expect((await q.runs.listMeta()).length).toBe(runsBefore); // no run: the source was not read
    expect(sim.requests.since(seq).filter((r) => r.path.endsWith('/people'))).toEqual([]); // nor the buildings listed
  });

  it("respects OpenApp's resend cooldown (429 + Retry-After) and does not retry inside it", async () => {
    const { run, invitations, sim } = await setup('2026', {
      ttlMs: 12 * 3600_000,
      cooldownMs: 3600_000,
      policy:
        "enabled: true, reminder_hours: 24, max_sends: 3, min_interval_hours: 0, sending_hours: { start: '00:00', end: '00:00' }",
    });
    await run();
    const second = await run();
    expect(second.buildings[BIRCH_TOWER]?.invitations?.failed[0]?.error).toMatch(/answered 429/);
    const resendsBefore = sim.requests.since().filter((r) => r.path.endsWith('/resend')).length;
    await run();
    expect(sim.requests.since().filter((r) => r.path.endsWith('/resend')).length).toBe(resendsBefore);
    expect(invitations().every((i) => i.sent_count === 1)).toBe(true);
  });

  it('sends nothing outside the sending hours', async () => {
    // A one-hour window twelve hours from now, in the property's zone: now is outside it.
    const local = new Date(Date.now() + 12 * 3600_000).toLocaleString('en-GB', {
      timeZone: 'America/Chicago',
      hour: '2-digit',
      hour12: false,
    });
    const start = `${local.padStart(2, '0')}:00`;
    const end = `${String((Number(local) + 1) % 24).padStart(2, '0')}:00`;
    const { run, invitations } = await setup('2026', {
      policy: `enabled: true, sending_hours: { start: '${start}', end: '${end}' }`,
    });
    const result = await run();
    expect(invitations()).toEqual([]);
    expect(result.buildings[BIRCH_TOWER]?.invitations).toMatchObject({ invited: 0, waiting: 2 });
    expect(result.buildings[BIRCH_TOWER]?.invitations?.plan?.waiting[0]?.notBefore).toBeDefined();
  });

  it('lists invitations with resident, units, status and sends (`pms-sync invitations`)', async () => {
    const { run, sim, files, prefix } = await setup();
    await run();
    const listed = await runCli(
      ['invitations', '--status', 'pending', '--json'],
      childEnv(sim, files.feedsFile, prefix),
    );
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as {
      name: string;
      units: string[];
      status: string;
      sent_count: number;
    }[];
    expect(rows.map((r) => [r.name, r.units, r.status, r.sent_count])).toContainEqual([
      'Hana New',
      ['1202'],
      'pending',
      1,
    ]);
    expect(rows).toHaveLength(3);
    const text = await runCli(
      ['invitations', '--building', MAPLE_COURT],
      childEnv(sim, files.feedsFile, prefix),
    );
    expect(text.stdout).toMatch(/Kofi Mensah +unit 104 +pending +1 send/);
  });

  it('on the 2025 API says why nothing was sent', async () => {
    const { run } = await setup('2025');
    const result = await run();
    expect(result.buildings[BIRCH_TOWER]?.invitations?.skipped).toMatch(
      /generation 2025 has no invitations API; 2 residents need one/,
    );
  });
});
