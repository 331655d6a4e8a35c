/**
 * Runs in Redis. A run is a hash: `meta` holds the run, and each building has its own field, so
 * the building jobs of one run, on several workers, never overwrite each other. An index sorted by
 * creation time lists them, with bounded retention (count and age).
 */
import type { Redis } from 'ioredis';
import type { PlanStats } from '../core/plan.js';
import { keys } from './queue-names.js';
import { overallStatus, type BuildingRun, type RunRecord } from './run-record.js';

export interface RunRetention {
  maxRuns: number;
  maxAgeMs: number;
}

const DEFAULT_RETENTION: RunRetention = { maxRuns: 1000, maxAgeMs: 30 * 24 * 3600_000 };
const META = 'meta';
const BUILDING = 'b:';

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retention: RunRetention = DEFAULT_RETENTION,
  ) {}

  async create(run: Omit<RunRecord, 'buildings'>): Promise<void> {
    const key = keys.run(this.prefix, run.id);
    const at = Date.parse(run.createdAt);
    await this.redis
      .multi()
      .hset(key, META, JSON.stringify(run))
      .zadd(keys.runIndex(this.prefix), at, run.id)
      .exec();
    await this.trim(at);
  }

  /**
   * Takes the "queued run" place of a scope for `runId`, or returns the run already holding it:
   * a burst of triggers then makes one queued run, not one record each (which would push real
   * history out of the retention window).
   */
  async claimQueued(scope: string, runId: string, ttlSeconds = 3600): Promise<string | undefined> {
    const key = `${this.prefix}:queued:${scope}`;
    const ok = await this.redis.set(key, runId, 'EX', ttlSeconds, 'NX');
    if (ok === 'OK') return undefined;
    return (await this.redis.get(key)) ?? undefined;
  }

  /** The scope's queued run has started (or failed to queue): the next trigger queues a new run. */
  async releaseQueued(scope: string): Promise<void> {
    await this.redis.del(`${this.prefix}:queued:${scope}`);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const fields = await this.redis.hgetall(keys.run(this.prefix, runId));
    if (!fields[META]) return undefined;
    const run = { ...(JSON.parse(fields[META]) as Omit<RunRecord, 'buildings'>), buildings: {} } as RunRecord;
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith(BUILDING))
        run.buildings[field.slice(BUILDING.length)] = JSON.parse(value) as BuildingRun;
    }
    return run;
  }

  /** One building of a run, without reading the others (the console's overview). */
  async getBuilding(runId: string, integrationId: string): Promise<BuildingRun | undefined> {
    const value = await this.redis.hget(keys.run(this.prefix, runId), `${BUILDING}${integrationId}`);
    return value ? (JSON.parse(value) as BuildingRun) : undefined;
  }

  /** Newest first. */
  async list(limit = 20, feed?: string): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(keys.runIndex(this.prefix), 0, feed ? -1 : limit - 1);
    const runs: RunRecord[] = [];
    for (const id of ids) {
      const run = await this.get(id);
      if (run && (!feed || run.feed === feed)) runs.push(run);
      if (runs.length >= limit) break;
    }
    return runs;
  }

  /** Newest first, without buildings: cheap enough for a metrics scrape. */
  async listMeta(limit = 1000): Promise<Omit<RunRecord, 'buildings'>[]> {
    const ids = await this.redis.zrevrange(keys.runIndex(this.prefix), 0, limit - 1);
    if (ids.length === 0) return [];
    const tx = this.redis.pipeline();
    for (const id of ids) tx.hget(keys.run(this.prefix, id), META);
    const rows = (await tx.exec()) ?? [];
    return rows.flatMap(([, value]) =>
      typeof value === 'string' ? [JSON.parse(value) as Omit<RunRecord, 'buildings'>] : [],
    );
  }

  async updateMeta(runId: string, patch: Partial<Omit<RunRecord, 'id' | 'buildings'>>): Promise<RunRecord> {
    const run = await this.require(runId);
    const { buildings: _ignored, ...meta } = run;
    await this.redis.hset(keys.run(this.prefix, runId), META, JSON.stringify({ ...meta, ...patch }));
    return { ...run, ...patch };
  }

  async setBuilding(runId: string, building: Omit<BuildingRun, 'updatedAt'>): Promise<void> {
    const value: BuildingRun = { ...building, updatedAt: new Date().toISOString() };
    await this.redis.hset(
      keys.run(this.prefix, runId),
      `${BUILDING}${building.integrationId}`,
      JSON.stringify(value),
    );
  }

  async updateBuilding(
    runId: string,
    integrationId: string,
    patch: Partial<BuildingRun>,
  ): Promise<BuildingRun> {
    const run = await this.require(runId);
    const current = run.buildings[integrationId] ?? { integrationId, status: 'queued', updatedAt: '' };
    const next = { ...current, ...patch, integrationId };
    await this.setBuilding(runId, next);
    return next;
  }

  /** Recomputes the run's status from its buildings and records when it ended. */
  async finish(runId: string, extra: { stats?: PlanStats; error?: string } = {}): Promise<RunRecord> {
    const run = await this.require(runId);
    const status =
      extra.error && Object.keys(run.buildings).length === 0 ? 'failed' : overallStatus({ ...run, ...extra });
    return this.updateMeta(runId, { ...extra, status, finishedAt: new Date().toISOString() });
  }

  async require(runId: string): Promise<RunRecord> {
    const run = await this.get(runId);
    if (!run) throw new RunNotFoundError(`no run ${runId} (it may have passed the retention limit)`);
    return run;
  }

  private async trim(now: number): Promise<void> {
    const index = keys.runIndex(this.prefix);
    const old = await this.redis.zrangebyscore(index, 0, now - this.retention.maxAgeMs);
    const excess = await this.redis.zrange(index, 0, -this.retention.maxRuns - 1);
    const drop = [...new Set([...old, ...excess])];
    if (drop.length === 0) return;
    const tx = this.redis.multi().zrem(index, ...drop);
    for (const id of drop) tx.del(keys.run(this.prefix, id));
    await tx.exec();
  }
}

export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}
