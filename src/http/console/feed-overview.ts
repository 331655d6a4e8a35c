/**
 * What the feeds page shows at a glance: per feed its schedule and next run (from the BullMQ job
 * scheduler a worker registered), its last run, and per building the outcome of the last run
 * that changed it. Reads run records without their plans, so it stays cheap with many runs.
 */
import type { Feed } from '../../feeds/load-feeds.js';
import type { QueueClient } from '../../queue/queue-client.js';
import type { BuildingRun, RunRecord } from '../../queue/run-record.js';
import { feedSchedulerKey } from '../../queue/schedules.js';

type RunMeta = Omit<RunRecord, 'buildings'>;

export interface BuildingGlance {
  integrationId: string;
  /** The last run that was not a dry run and covered this building. */
  run: RunMeta | undefined;
  building: BuildingRun | undefined;
}

export interface FeedGlance {
  feed: Feed;
  /** Next tick of the feed's schedule; `null` when no worker has registered the schedule yet. */
  nextRunAt: number | null;
  lastRun: RunMeta | undefined;
  held: number;
  buildings: BuildingGlance[];
}

const RECENT_RUNS = 300;

export async function feedOverview(
  feeds: ReadonlyMap<string, Feed>,
  queues: QueueClient,
): Promise<FeedGlance[]> {
  const [metas, schedulers] = await Promise.all([
    queues.runs.listMeta(RECENT_RUNS),
    queues.feedsQueue.getJobSchedulers(0, -1),
  ]);
  const next = new Map(schedulers.map((s) => [s.key, s.next ?? null]));
  const glances: FeedGlance[] = [];
  for (const feed of feeds.values()) {
    const name = feed.config.name;
    const ofFeed = metas.filter((r) => r.feed === name && r.status !== 'superseded');
    const buildings = await Promise.all(
      feed.buildings.map(async (integrationId): Promise<BuildingGlance> => {
        const run = ofFeed.find((r) => !r.dryRun && (r.building === null || r.building === integrationId));
        const building = run ? await queues.runs.getBuilding(run.id, integrationId) : undefined;
        return { integrationId, run, building };
      }),
    );
    glances.push({
      feed,
      nextRunAt: next.get(feedSchedulerKey(name)) ?? null,
      lastRun: ofFeed[0],
      held: ofFeed.filter((r) => r.status === 'held').length,
      buildings,
    });
  }
  return glances;
}
