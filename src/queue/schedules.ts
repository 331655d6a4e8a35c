/**
 * Scheduled runs: one BullMQ job scheduler per feed, kept in Redis. Every worker replica upserts
 * the same schedulers at start, so there is one job per tick however many replicas run, and a
 * scheduler keeps only its next job: ticks missed while every worker was down leave no backlog.
 */
import type { Queue } from 'bullmq';
import { pollIntervalMs } from '../feeds/feed-schema.js';
import type { Feed } from '../feeds/load-feeds.js';
import { JOB_DEFAULTS } from './job-context.js';

const SCHEDULER_PREFIX = 'feed:';
const INVITATIONS_PREFIX = 'invitations:';
const POLL_PREFIX = 'poll:';

/** The job scheduler of a feed's sync schedule (the ops console reads its next tick). */
export const feedSchedulerKey = (feed: string) => `${SCHEDULER_PREFIX}${feed}`;

export async function syncSchedules(feedsQueue: Queue, feeds: ReadonlyMap<string, Feed>): Promise<string[]> {
  const wanted: string[] = [];
  for (const [name, feed] of feeds) {
    if (feed.config.invitations.enabled) {
      // Hourly, at a minute of its own so it does not meet the nightly sync head-on.
      const id = `${INVITATIONS_PREFIX}${name}`;
      wanted.push(id);
      await feedsQueue.upsertJobScheduler(
        id,
        { pattern: '7 * * * *', tz: feed.mapping.access.time_zone },
        {
          name: 'feed-invitations',
          data: { feed: name },
          opts: { removeOnComplete: JOB_DEFAULTS.removeOnComplete, removeOnFail: JOB_DEFAULTS.removeOnFail },
        },
      );
    }
    if (feed.config.poll) {
      // One attempt: a failed poll is repeated by the next tick, from the same mark.
      const id = `${POLL_PREFIX}${name}`;
      wanted.push(id);
      await feedsQueue.upsertJobScheduler(
        id,
        { every: pollIntervalMs(feed.config.poll.every) },
        {
          name: 'poll-feed',
          data: { feed: name },
          opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: JOB_DEFAULTS.removeOnFail },
        },
      );
    }
    const schedule = feed.config.schedule;
    if (!schedule) continue;
    const id = feedSchedulerKey(name);
    wanted.push(id);
    await feedsQueue.upsertJobScheduler(
      id,
      { pattern: schedule.cron, tz: schedule.time_zone },
      {
        name: 'sync-feed',
        data: { feed: name, trigger: 'schedule', actor: 'schedule', dryRun: false },
        opts: {
          attempts: JOB_DEFAULTS.attempts,
          backoff: JOB_DEFAULTS.backoff,
          removeOnComplete: JOB_DEFAULTS.removeOnComplete,
          removeOnFail: JOB_DEFAULTS.removeOnFail,
        },
      },
    );
  }
  // A feed removed from the file stops running.
  for (const scheduler of await feedsQueue.getJobSchedulers()) {
    const ours = [SCHEDULER_PREFIX, INVITATIONS_PREFIX, POLL_PREFIX].some((p) => scheduler.key.startsWith(p));
    if (ours && !wanted.includes(scheduler.key)) {
      await feedsQueue.removeJobScheduler(scheduler.key);
    }
  }
  return wanted;
}
