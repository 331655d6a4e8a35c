/**
 * `poll-feed`: a database feed's poll (its `poll.every` job scheduler): asks the PMS database what
 * changed since the last poll and queues a run of each building that changed. A poll is not
 * retried: the next tick polls again from the same mark.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { JobContext } from '../src/queue/job-context.js';
import { DatabaseSourceError } from '../src/sources/database-error.js';
import { pollFeed } from '../src/sync/poll-feed.js';

export const pollFeedPayload = z.object({ feed: z.string().min(1) });

export async function processPollFeed(job: Job, ctx: JobContext): Promise<Record<string, unknown>> {
  const parsed = pollFeedPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad poll-feed payload: ${parsed.error.message}`);
  const feed = ctx.feeds.get(parsed.data.feed);
  if (!feed) throw new UnrecoverableError(`no feed named "${parsed.data.feed}" in the feeds file`);
  if (!feed.config.poll || feed.source.kind !== 'database') return { skipped: true };
  try {
    const outcome = await pollFeed(feed, {
      redis: ctx.redis,
      prefix: ctx.names.prefix,
      feedsQueue: ctx.feedsQueue,
      runs: ctx.runs,
      logger: ctx.logger,
    });
    if (outcome.runs.length > 0) {
      ctx.logger.info(
        { feed: feed.config.name, since: outcome.since, buildings: outcome.changed, runs: outcome.runs },
        'poll found changes',
      );
    }
    return { since: outcome.since, mark: outcome.mark, changed: outcome.changed, runs: outcome.runs };
  } catch (err) {
    if (err instanceof DatabaseSourceError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}
