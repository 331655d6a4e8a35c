/**
 * `feed-invitations`: the hourly invitation round of a feed. Reminders fall due and invitations
 * expire between nightly syncs; this round sends what is due from the latest plan of each building,
 * without reading the source again. A building being synced right now is left to that sync.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { tryLockBuilding } from '../src/queue/building-lock.js';
import { InvitationLedgerStore } from '../src/queue/invitation-ledger-store.js';
import { PersonLinkStore } from '../src/queue/person-link-store.js';
import type { JobContext } from '../src/queue/job-context.js';
import { loadBuildingSnapshot } from '../src/queue/snapshot-store.js';
import { feedPolicyFromMapping } from '../src/sync/plan-sync.js';
import { sendInvitations } from '../src/sync/send-invitations.js';

export const feedInvitationsPayload = z.object({ feed: z.string().min(1) });

export async function processFeedInvitations(job: Job, ctx: JobContext): Promise<Record<string, unknown>> {
  const parsed = feedInvitationsPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad feed-invitations payload: ${parsed.error.message}`);
  const feed = ctx.feeds.get(parsed.data.feed);
  if (!feed) throw new UnrecoverableError(`no feed named "${parsed.data.feed}" in the feeds file`);
  if (!feed.config.invitations.enabled || ctx.client.generation !== '2026') return { skipped: true };

  const runs = await ctx.runs.list(50, feed.config.name);
  const done: Record<string, unknown> = {};
  for (const integrationId of feed.buildings) {
    // The newest run that planned this building, and the source it planned from.
    const run = runs.find((r) => !r.dryRun && r.buildings[integrationId]?.plan);
    const plan = run?.buildings[integrationId]?.plan;
    if (!run || !plan) continue;
    const snapshot = await loadBuildingSnapshot(ctx.redis, ctx.names.prefix, run.id, integrationId);
    if (!snapshot) continue;
    const lock = await tryLockBuilding(ctx.redis, ctx.names.prefix, integrationId, ctx.lockLeaseMs);
    if (!lock) continue;
    try {
      const outcome = await sendInvitations({
        plan,
        integrationId,
        records: snapshot.records,
        policy: feedPolicyFromMapping(feed.mapping, feed.config.guards),
        invitations: feed.config.invitations,
        client: ctx.client,
        ledger: new InvitationLedgerStore(ctx.redis, ctx.names.prefix),
        links: new PersonLinkStore(ctx.redis, ctx.names.prefix),
        now: Date.now(),
        correlationId: `invitations-${run.id}`,
      });
      done[integrationId] = {
        invited: outcome.invited,
        resent: outcome.resent,
        cancelled: outcome.cancelled,
        waiting: outcome.waiting,
      };
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return done;
}
