/**
 * Each operation of an apply, recorded before and after its call: `in_flight`, then its outcome.
 * A worker killed mid-apply leaves the record behind, and the next attempt resumes from it.
 */
import type { Redis } from 'ioredis';
import {
  journalKey,
  type ApplyJournal,
  type OperationRef,
  type OperationResult,
} from '../sync/apply-plan.js';
import { keys } from './queue-names.js';

export type Checkpoint = { state: 'in_flight' } | { state: 'done'; result: OperationResult };

export class CheckpointStore implements ApplyJournal {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    runId: string,
    integrationId: string,
    private readonly ttlSeconds = 30 * 24 * 3600,
  ) {
    this.key = keys.checkpoints(prefix, runId, integrationId);
  }

  async load(): Promise<Map<string, Checkpoint>> {
    const fields = await this.redis.hgetall(this.key);
    return new Map(Object.entries(fields).map(([k, v]) => [k, JSON.parse(v) as Checkpoint]));
  }

  async inFlight(op: OperationRef): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key, journalKey(op), JSON.stringify({ state: 'in_flight' }))
      .expire(this.key, this.ttlSeconds)
      .exec();
  }

  async done(result: OperationResult): Promise<void> {
    await this.redis.hset(this.key, journalKey(result), JSON.stringify({ state: 'done', result }));
  }
}
