/**
 * `finish-run`: the parent of a run's building jobs. Runs once all of them have finished or failed
 * for good, settles the run's status, and remembers a good run's size for the shrinking-source guard.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { JobContext } from '../src/queue/job-context.js';
import { recordGoodRun } from '../src/sync/feed-run.js';

export const finishRunPayload = z.object({ runId: z.string().min(1), feed: z.string().min(1) });

export async function processFinishRun(job: Job, ctx: JobContext): Promise<string> {
  const parsed = finishRunPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad finish-run payload: ${parsed.error.message}`);
  const run = await ctx.runs.finish(parsed.data.runId);
  if (run.status === 'applied' && !run.dryRun && !run.building && run.stats) {
    await recordGoodRun(
      { redis: ctx.redis, prefix: ctx.names.prefix, runs: ctx.runs, logger: ctx.logger },
      run.feed,
      run.id,
      run.stats.rows,
    );
  }
  ctx.logger.info({ runId: run.id, feed: run.feed, status: run.status }, 'run finished');
  return run.status;
}
