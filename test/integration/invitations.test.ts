/**
 * Invitations end to end: a worker on the real Redis against the simulator's org invitations.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { enqueueRun } from '../../src/queue/enqueue-run.js';
import { InvitationLedgerStore } from '../../src/queue/invitation-ledger-store.js';
import { BIRCH_TOWER, MAPLE_COURT, residentRole, simFetch, testSimulator } from '../helpers/simulator.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import {
  deletePrefix,
  inProcessWorker,
  queueClient,
  removeDir,
  uniquePrefix,
  writeFeed,
} from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

async function setup(generation: '2025' | '2026' = '2026') {
  const prefix = uniquePrefix();
  const sim = await testSimulator({ generation });
  const files = await writeFeed();
  await writeFile(
    files.feedsFile,
    `${await readFile(files.feedsFile, 'utf8')}    invitations: { enabled: true, sending_hours: { start: '00:00', end: '00:00' } }\n`,
  );
  const worker = await inProcessWorker(sim, files.feedsFile, prefix);
  const q = queueClient(prefix);
  cleanup.push(
    () => sim.close(),
    () => removeDir(files.dir),
    () => deletePrefix(prefix),
    () => worker.close(),
    () => q.close(),
  );
  const run = async () =>
    waitForRun(
      q.runs,
      (
        await enqueueRun(q.feedsQueue, q.runs, {
          feed: 'demo',
          building: null,
          trigger: 'manual',
          actor: 'test',
          dryRun: false,
        })
      ).runId,
      20_000,
    );
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

  it('on the 2025 API says why nothing was sent', async () => {
    const { run } = await setup('2025');
    const result = await run();
    expect(result.buildings[BIRCH_TOWER]?.invitations?.skipped).toMatch(
      /generation 2025 has no invitations API; 2 residents need one/,
    );
  });
});
