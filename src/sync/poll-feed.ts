/**
 * Polling, for PMSs that send no webhooks: ask the database what changed since the feed's
 * high-water mark (the mapping's `database.changed_since` query, with `:since`), and ask for one
 * run of each building that changed, through the same path as a trigger or a webhook (so bursts
 * coalesce, and each run reads the whole source afresh). The mark moves forward only once those
 * runs are queued: a poll that fails is simply repeated by the next one.
 *
 * The first poll of a feed has no mark to compare with: it asks for one run of the whole feed and
 * remembers the newest change it saw.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Feed } from '../feeds/load-feeds.js';
import type { Logger } from '../logger.js';
import { compileBuildingRules } from '../mappings/building-rules.js';
import { enqueueRun, type EnqueuedRun } from '../queue/enqueue-run.js';
import { PollMarkStore } from '../queue/poll-mark-store.js';
import type { RunStore } from '../queue/run-store.js';
import { DatabaseSourceError } from '../sources/database-error.js';
import { openDatabaseQuery } from '../sources/database-source.js';
import { databaseSectionOf, sourceUrl } from './read-database-export.js';

export interface PollDeps {
  redis: Redis;
  prefix: string;
  feedsQueue: Queue;
  runs: RunStore;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface PollOutcome {
  /** The mark the poll asked from (undefined on a first poll). */
  since: string | undefined;
  /** The newest change seen (the next poll's mark). */
  mark: string | undefined;
  /** The feed's buildings that changed, each asked to sync (the whole feed on a first poll). */
  changed: string[];
  runs: EnqueuedRun[];
  /** Changed rows of buildings the feed does not cover, or that no buildings rule places. */
  ignored: number;
}

/** Before any real change: what a first poll asks from, to learn the newest change. */
const BEGINNING = '1970-01-01 00:00:00';

interface ChangedRows {
  buildings: Set<string>;
  mark: string | undefined;
  ignored: number;
}

export async function pollFeed(feed: Feed, deps: PollDeps): Promise<PollOutcome> {
  const name = feed.config.name;
  if (feed.source.kind !== 'database') throw new Error(`feed ${name} reads a CSV file: nothing to poll`);
  const label = `${feed.source.label} (changed_since)`;
  const section = databaseSectionOf(feed.mapping, feed.source.label);
  if (!section.changed_since) {
    throw new DatabaseSourceError(`${label}: the mapping has no \`database.changed_since\` query`, false);
  }
  const marks = new PollMarkStore(deps.redis, deps.prefix);
  const since = await marks.get(name);
  const url = sourceUrl(feed.source, deps.env ?? process.env);
  const db = await openDatabaseQuery(
    url,
    {
      sql: section.changed_since.query,
      parameters: { ...section.parameters, ...feed.source.parameters, since: since ?? BEGINNING },
      statementTimeoutMs: section.statement_timeout_ms,
    },
    label,
  );
  let changed: ChangedRows;
  try {
    changed = await readChanges(feed, db.header.columns, db.rows, label);
  } finally {
    await db.close();
  }

  const ask = (building: string | null) =>
    enqueueRun(deps.feedsQueue, deps.runs, {
      feed: name,
      building,
      trigger: 'poll',
      actor: 'poll',
      dryRun: false,
    });
  const runs: EnqueuedRun[] = [];
  const buildings = since === undefined ? feed.buildings : [...changed.buildings].sort();
  if (since === undefined) runs.push(await ask(null));
  else for (const building of buildings) runs.push(await ask(building));
  // Only now: had a run failed to queue, the next poll would have asked again.
  const mark = changed.mark ?? since ?? BEGINNING;
  await marks.advance(name, mark);
  if (changed.ignored > 0) {
    deps.logger.warn(
      { feed: name, rows: changed.ignored },
      'changed rows of buildings this feed does not cover were ignored',
    );
  }
  return { since, mark, changed: buildings, runs, ignored: changed.ignored };
}

/** The buildings the changed rows belong to, and the newest `changed_at` among them. */
async function readChanges(
  feed: Feed,
  columns: string[],
  rows: AsyncIterable<{ cells: string[] }>,
  label: string,
): Promise<ChangedRows> {
  const index = (name: string) => columns.findIndex((c) => c.toLowerCase() === name);
  const at = index('changed_at');
  const integration = index('integration_id');
  const property = index('property');
  const unit = index('unit');
  if (at < 0 || (integration < 0 && property < 0)) {
    throw new DatabaseSourceError(
      `${label}: the query must return a changed_at column and the building: integration_id, or property (and unit); it returns ${columns.join(', ') || 'no columns'}`,
      false,
    );
  }
  const place = compileBuildingRules(feed.mapping);
  const covered = new Set(feed.buildings);
  const out: ChangedRows = { buildings: new Set(), mark: undefined, ignored: 0 };
  for await (const row of rows) {
    const cell = (i: number) => (i < 0 ? '' : (row.cells[i] ?? '').trim());
    const building = cell(integration) || place(cell(property) || undefined, cell(unit) || undefined);
    if (building && covered.has(building)) out.buildings.add(building);
    else out.ignored++;
    const changedAt = cell(at);
    if (changedAt && (out.mark === undefined || changedAt > out.mark)) out.mark = changedAt;
  }
  return out;
}
