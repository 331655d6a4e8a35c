/**
 * `sync-building`: plan and apply one building of a run (or apply an approved held plan). One
 * building is never synced twice at once: a job that finds the building locked waits its turn.
 * Failures that may pass are retried with backoff; a 429 pauses the queue for its Retry-After;
 * anything retrying cannot fix fails the job at once with the reason in the run.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { OpenAppContractError, OpenAppError } from '../src/openapp/openapp-error.js';
import { tryLockBuilding } from '../src/queue/building-lock.js';
import type { JobContext } from '../src/queue/job-context.js';
import { ApplyIncompleteError, StalePlanError, syncBuilding } from '../src/sync/building-sync.js';

export const syncBuildingPayload = z.object({
  runId: z.string().min(1),
  feed: z.string().min(1),
  integrationId: z.string().min(1),
  mode: z.enum(['sync', 'approve', 'apply-dry-run']).default('sync'),
  dryRun: z.boolean().default(false),
});
export type SyncBuildingPayload = z.input<typeof syncBuildingPayload>;

/** How long a job waits before looking at a locked building again. */
const LOCKED_RETRY_MS = 1_000;

export async function processSyncBuilding(
  job: Job,
  token: string | undefined,
  ctx: JobContext,
): Promise<string> {
  const parsed = syncBuildingPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad sync-building payload: ${parsed.error.message}`);
  const data = parsed.data;
  const feed = ctx.feeds.get(data.feed);
  if (!feed) throw new UnrecoverableError(`no feed named "${data.feed}" in the feeds file`);

  const lock = await tryLockBuilding(ctx.redis, ctx.names.prefix, data.integrationId, ctx.lockLeaseMs);
  if (!lock) {
    await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
    throw new DelayedError();
  }
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    const result = await syncBuilding(
      {
        feed,
        runId: data.runId,
        integrationId: data.integrationId,
        mode: data.mode,
        dryRun: data.dryRun,
        now: Date.now(),
        finalAttempt,
      },
      {
        redis: ctx.redis,
        prefix: ctx.names.prefix,
        runs: ctx.runs,
        client: ctx.client,
        // Shutting down, or the building's lock can no longer be counted on: stop changing OpenApp.
        signal: AbortSignal.any([ctx.signal, lock.lost]),
        onProgress: (done, total) => void job.updateProgress({ done, total }).catch(() => undefined),
      },
    );
    // An approval settles the run it belongs to; a flow's parent does that for ordinary runs.
    if (data.mode !== 'sync') await ctx.runs.finish(data.runId);
    return result.status;
  } catch (err) {
    throw await classify(err, data, finalAttempt, ctx);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** What BullMQ should do with a failure, and what the run should say about it. */
async function classify(
  err: unknown,
  data: z.output<typeof syncBuildingPayload>,
  finalAttempt: boolean,
  ctx: JobContext,
): Promise<Error> {
  const fail = async (message: string) => {
    await ctx.runs.updateBuilding(data.runId, data.integrationId, { status: 'failed', error: message });
  };
  if (err instanceof ApplyIncompleteError && err.retryAfterMs !== undefined) {
    await ctx.rateLimit(err.retryAfterMs);
    return Worker.RateLimitError();
  }
  if (err instanceof OpenAppError && err.status === 429 && err.retryAfterMs !== undefined) {
    await ctx.rateLimit(err.retryAfterMs);
    return Worker.RateLimitError();
  }
  if (err instanceof StalePlanError) {
    // The plan stays held, untouched: the operator needs a fresh plan, not a failed run.
    await ctx.runs.updateBuilding(data.runId, data.integrationId, { error: err.message });
    // The run's note said an apply was asked for; say it did not happen.
    if (data.mode === 'apply-dry-run')
      await ctx.runs.updateMeta(data.runId, { error: `not applied: ${err.message}` });
    await ctx.runs.finish(data.runId);
    return new UnrecoverableError(err.message);
  }
  const permanent =
    err instanceof OpenAppContractError ||
    (err instanceof OpenAppError && !err.retryable && err.code !== 'aborted');
  if (permanent) {
    await fail((err as Error).message);
    return new UnrecoverableError((err as Error).message);
  }
  if (finalAttempt) await fail(err instanceof Error ? err.message : String(err));
  return err instanceof Error ? err : new Error(String(err));
}
