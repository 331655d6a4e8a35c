/**
 * What the chaos tests assert, and the one thing they wait out: OpenApp holds exactly the access
 * the export asks for, and every invitee has exactly one invitation.
 */
import { expect } from 'vitest';
import { INTENT_SETTLE_MS } from '../../src/core/invitation-planner.js';
import { InvitationLedgerStore } from '../../src/queue/invitation-ledger-store.js';
import type { QueueClient } from '../../src/queue/queue-client.js';
import type { RunRecord } from '../../src/queue/run-record.js';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import type { ChaosPlan } from './chaos-plan.js';
import { ORG_ID, residentRole } from './simulator.js';
import { until } from './worker.js';

/** A run's buildings in a line each, for a failure message: status, error, failed operations. */
export function describeBuildings(run: RunRecord): string {
  return Object.values(run.buildings)
    .map((b) => {
      const failed = (b.results ?? []).filter((r) => r.outcome === 'failed');
      return `${b.integrationId}: ${b.status}${b.error ? ` (${b.error})` : ''}, ${failed.length} failed${failed[0] ? `, e.g. ${failed[0].error}` : ''}`;
    })
    .join('\n');
}

/** Every resident the export keeps holds the role; every resident whose lease ended does not. */
export function expectDesiredAccess(sim: RunningSimulator, plan: ChaosPlan): void {
  const state = sim.store().toSnapshot();
  for (const [integrationId, keep] of plan.present) {
    const holders = new Set(
      state.building_users
        .filter((b) => b.integration_id === integrationId && b.role === residentRole(integrationId))
        .map((b) => b.user_id),
    );
    expect(
      keep.filter((id) => !holders.has(id)),
      `missing in ${integrationId}`,
    ).toEqual([]);
    const gone = plan.absent.get(integrationId) ?? [];
    expect(
      gone.filter((id) => holders.has(id)),
      `still in ${integrationId}`,
    ).toEqual([]);
  }
}

/** OpenApp's invitations per lower-cased email, whatever their status. */
export function invitationsByEmail(sim: RunningSimulator) {
  const byEmail = new Map<string, { id: string; integrationId: string | undefined }[]>();
  for (const inv of sim.store().listInvitations(ORG_ID)) {
    const email = inv.email?.toLowerCase() ?? '';
    byEmail.set(email, [
      ...(byEmail.get(email) ?? []),
      { id: inv.id, integrationId: inv.site_access?.integration_id },
    ]);
  }
  return byEmail;
}

/** Creates OpenApp carried out per email, from its request log (a lost answer counts: it was made). */
export function createsByEmail(sim: RunningSimulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of sim.requests.since()) {
    if (r.method !== 'POST' || !/\/orgs\/[^/]+\/invitations$/.test(r.path) || r.status !== 201) continue;
    const email = String((r.body as { email?: string }).email ?? '').toLowerCase();
    counts.set(email, (counts.get(email) ?? 0) + 1);
  }
  return counts;
}

/** Each invitee has exactly one invitation, for their building, and OpenApp made no other. */
export function expectOneInvitationEach(sim: RunningSimulator, plan: ChaosPlan): void {
  const byEmail = invitationsByEmail(sim);
  const wrong = [...plan.invitees].filter(([email, integrationId]) => {
    const invitations = byEmail.get(email) ?? [];
    return invitations.length !== 1 || invitations[0]?.integrationId !== integrationId;
  });
  expect(wrong.map(([email]) => [email, byEmail.get(email)?.length ?? 0])).toEqual([]);
  const repeated = [...createsByEmail(sim)].filter(([, n]) => n > 1);
  expect(repeated, 'invitations created more than once').toEqual([]);
}

/**
 * Sends the invitations an ambiguous failure left waiting. A create whose answer never came (a 5xx,
 * a reset, a killed worker) leaves an intent, and pms-sync invites that person again only once
 * OpenApp, read at least INTENT_SETTLE_MS (10 minutes) later, still does not list the invitation.
 * The test does not wait ten minutes: it moves those intents into the past, as the clock would,
 * and runs the feed's invitation round (the hourly job) until nobody is left uninvited.
 */
export async function settleInvitations(
  q: QueueClient,
  prefix: string,
  sim: RunningSimulator,
  plan: ChaosPlan,
  maxRounds = 10,
): Promise<number> {
  const ledger = new InvitationLedgerStore(q.redis, prefix);
  const uninvited = () => {
    const byEmail = invitationsByEmail(sim);
    return [...plan.invitees.keys()].filter((email) => !byEmail.has(email)).length;
  };
  let rounds = 0;
  while (uninvited() > 0 && rounds < maxRounds) {
    rounds++;
    for (const integrationId of new Set(plan.invitees.values())) {
      for (const entry of await ledger.list(integrationId)) {
        if (entry.state !== 'intent' || entry.invitationId) continue;
        const past = new Date(Date.parse(entry.recordedAt) - INTENT_SETTLE_MS - 1_000).toISOString();
        await ledger.write({ ...entry, recordedAt: past });
      }
    }
    const job = await q.feedsQueue.add('feed-invitations', { feed: 'demo' });
    await until(
      async () => ['completed', 'failed'].includes(await job.getState()),
      120_000,
      'the invitation round',
    );
  }
  return rounds;
}

/**
 * What every chaos test ends with: the run applied, OpenApp holding exactly the access the export
 * asks for, and (once invitations settle) every invitee invited exactly once.
 */
export async function expectConverged(
  label: string,
  run: RunRecord,
  ctx: { q: QueueClient; prefix: string; sim: RunningSimulator; plan: ChaosPlan },
): Promise<void> {
  if (run.status !== 'applied') console.info(describeBuildings(run));
  expect(run.status).toBe('applied');
  expectDesiredAccess(ctx.sim, ctx.plan);
  const rounds = await settleInvitations(ctx.q, ctx.prefix, ctx.sim, ctx.plan);
  console.info(`${label}: invitations complete after ${rounds} extra rounds`);
  expectOneInvitationEach(ctx.sim, ctx.plan);
}
