/**
 * The first step of a feed run: read the feed's source once, check it against the last good run
 * (a source that shrank far below it holds the run), and leave each building's share in Redis for
 * the building jobs.
 */
import type { Redis } from 'ioredis';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import { keys } from '../queue/queue-names.js';
import type { RunStore } from '../queue/run-store.js';
import { saveBuildingSnapshot } from '../queue/snapshot-store.js';
import { readSource } from './read-source.js';

export interface FeedRunDeps {
  redis: Redis;
  prefix: string;
  runs: RunStore;
  logger: Logger;
}

interface LastGood {
  runId: string;
  rows: number;
  at: string;
}

export class FeedScopeError extends Error {
  override readonly name = 'FeedScopeError';
}

/** Reads the source and stores each building's snapshot. Returns the buildings to sync. */
export async function prepareFeedRun(
  feed: Feed,
  runId: string,
  building: string | null,
  deps: FeedRunDeps,
): Promise<string[]> {
  if (building && !feed.buildings.includes(building)) {
    throw new FeedScopeError(`feed ${feed.config.name} does not cover building ${building}`);
  }
  const snapshot = await readSource(feed.mapping, feed.source);
  const scope = building ? [building] : feed.buildings;

  // A one-building run says nothing about the size of the whole export.
  const holdReasons: string[] = [];
  if (!building) {
    const last = await readLastGood(deps, feed.config.name);
    const limit = feed.config.guards.max_shrink_percent;
    if (last && last.rows > 0 && snapshot.stats.rows < last.rows * (1 - limit / 100)) {
      const shrink = Math.round((1 - snapshot.stats.rows / last.rows) * 100);
      holdReasons.push(
        `the source has ${snapshot.stats.rows} rows, ${shrink}% fewer than the last good run ${last.runId} (${last.rows} rows); the limit is ${limit}%`,
      );
    }
  }

  const outside = snapshot.records.filter((r) => !feed.buildings.includes(r.integrationId)).length;
  if (outside > 0) {
    deps.logger.warn(
      { feed: feed.config.name, records: outside },
      'records for buildings this feed does not cover were ignored',
    );
  }
  for (const integrationId of scope) {
    await saveBuildingSnapshot(deps.redis, deps.prefix, runId, integrationId, {
      ...snapshot,
      records: snapshot.records.filter((r) => r.integrationId === integrationId),
    });
  }
  await deps.runs.updateMeta(runId, {
    ...(snapshot.sha256 ? { sourceSha256: snapshot.sha256 } : {}),
    stats: snapshot.stats,
    holdReasons,
  });
  for (const integrationId of scope) await deps.runs.setBuilding(runId, { integrationId, status: 'queued' });
  return scope;
}

/** Called when a run ends applied from a complete source: the next runs compare their size with it. */
export async function recordGoodRun(
  deps: FeedRunDeps,
  feed: string,
  runId: string,
  rows: number,
): Promise<void> {
  const value: LastGood = { runId, rows, at: new Date().toISOString() };
  await deps.redis.set(keys.lastGood(deps.prefix, feed), JSON.stringify(value));
}

async function readLastGood(deps: FeedRunDeps, feed: string): Promise<LastGood | undefined> {
  const text = await deps.redis.get(keys.lastGood(deps.prefix, feed));
  return text ? (JSON.parse(text) as LastGood) : undefined;
}
