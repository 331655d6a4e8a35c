/**
 * A feed run's source, split per building, kept in Redis for the building jobs (which may run on
 * other machines) so the source is read once per run. Kept a week, for approval of held runs.
 */
import type { Redis } from 'ioredis';
import type { SourceSnapshot } from '../sync/source-snapshot.js';
import { keys } from './queue-names.js';

const TTL_SECONDS = 7 * 24 * 3600;

export async function saveBuildingSnapshot(
  redis: Redis,
  prefix: string,
  runId: string,
  integrationId: string,
  snapshot: SourceSnapshot,
): Promise<void> {
  await redis.set(keys.snapshot(prefix, runId, integrationId), JSON.stringify(snapshot), 'EX', TTL_SECONDS);
}

export async function loadBuildingSnapshot(
  redis: Redis,
  prefix: string,
  runId: string,
  integrationId: string,
): Promise<SourceSnapshot | undefined> {
  const text = await redis.get(keys.snapshot(prefix, runId, integrationId));
  return text ? (JSON.parse(text) as SourceSnapshot) : undefined;
}
