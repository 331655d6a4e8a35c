/**
 * `sync-feed`: read a feed's source once, then fan out one `sync-building` job per building under a
 * `finish-run` parent (a BullMQ flow). A building that fails does not stop the others: the parent
 * runs when every child has finished or failed, and the run ends `partial`.
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { ulid } from 'ulid';
import { z } from 'zod';
import { JOB_DEFAULTS, type JobContext } from '../src/queue/job-context.js';
import { runScope } from '../src/queue/enqueue-run.js';
import { DatabaseSourceError } from '../src/sources/database-error.js';
import { FeedScopeError, prepareFeedRun } from '../src/sync/feed-run.js';

export const syncFeedPayload = z.object({
  feed: z.string().min(1),
  /** Absent for scheduled jobs: the run is created when the job starts. */
  runId: z.string().min(1).optional(),
  building: z.string().min(1).nullable().default(null),
  trigger: z.enum(['schedule', 'manual', 'webhook', 'poll']).default('schedule'),
  actor: z.string().default('schedule'),
  dryRun: z.boolean().default(false),
});
export type SyncFeedPayload = z.input<typeof syncFeedPayload>;

export async function processSyncFeed(
  job: Job,
  ctx: JobContext,
): Promise<{ runId: string; buildings: string[] }> {
  const parsed = syncFeedPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad sync-feed payload: ${parsed.error.message}`);
  const data = parsed.data;
  const feed = ctx.feeds.get(data.feed);
  if (!feed) throw new UnrecoverableError(`no feed named "${data.feed}" in the feeds file`);

  // A scheduled job has no run yet; a retried one reuses the run it created.
  const runId = data.runId ?? ulid();
  if (!(await ctx.runs.get(runId))) {
    await ctx.runs.create({
      id: runId,
      feed: data.feed,
      building: data.building,
      trigger: data.trigger,
      actor: data.actor,
      dryRun: data.dryRun,
      status: 'queued',
      createdAt: new Date().toISOString(),
    });
  }
  if (!data.runId) await job.updateData({ ...data, runId });
  // From now on a new trigger needs a new run: this one has started reading the source.
  await ctx.runs.releaseQueued(runScope(data.feed, data.building, data.dryRun));
  await supersedeQueuedRuns(ctx, runId, data, Date.now());
  await ctx.runs.updateMeta(runId, { status: 'running', startedAt: new Date().toISOString() });

  let buildings: string[];
  try {
    buildings = await prepareFeedRun(feed, runId, data.building, {
      redis: ctx.redis,
      prefix: ctx.names.prefix,
      runs: ctx.runs,
      logger: ctx.logger,
    });
  } catch (err) {
    // Retrying cannot help a run outside the feed's scope, nor bad SQL or credentials.
    if (err instanceof FeedScopeError || (err instanceof DatabaseSourceError && !err.retryable)) {
      await ctx.runs.finish(runId, { error: err.message });
      throw new UnrecoverableError(err.message);
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      await ctx.runs.finish(runId, { error: (err as Error).message });
    }
    throw err;
  }

  await ctx.flows.add({
    name: 'finish-run',
    queueName: ctx.names.runs,
    data: { runId, feed: data.feed },
    opts: { jobId: `finish-${runId}`, ...JOB_DEFAULTS },
    children: buildings.map((integrationId) => ({
      name: 'sync-building',
      queueName: ctx.names.buildings,
      data: { runId, feed: data.feed, integrationId, mode: 'sync', dryRun: data.dryRun },
      // The parent runs once every child is done or has failed for good.
      opts: { jobId: `sync-${runId}-${integrationId}`, ignoreDependencyOnFailure: true, ...JOB_DEFAULTS },
    })),
  });
  return { runId, buildings };
}

/**
 * Requests of the same scope made before this run started were folded into it by deduplication
 * (this run reads the source now, so it covers them): they will never start on their own.
 */
async function supersedeQueuedRuns(
  ctx: JobContext,
  runId: string,
  scope: { feed: string; building: string | null; dryRun: boolean },
  startedAt: number,
) {
  for (const run of await ctx.runs.list(100, scope.feed)) {
    const before = Date.parse(run.createdAt) <= startedAt;
    const sameScope = run.building === scope.building && run.dryRun === scope.dryRun;
    if (run.id !== runId && run.status === 'queued' && sameScope && before) {
      await ctx.runs.updateMeta(run.id, {
        status: 'superseded',
        error: `superseded by run ${runId}`,
        finishedAt: new Date().toISOString(),
      });
    }
  }
}
