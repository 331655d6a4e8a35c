/**
 * One sync of a building at a time, across every worker: a Redis lock with a token, renewed while
 * held, released only by its holder. A worker that dies loses it when the lease runs out.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from './queue-names.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
}

export async function tryLockBuilding(
  redis: Redis,
  prefix: string,
  integrationId: string,
  leaseMs: number,
): Promise<HeldLock | undefined> {
  const key = keys.buildingLock(prefix, integrationId);
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', leaseMs, 'NX');
  if (ok !== 'OK') return undefined;
  const timer = setInterval(
    () => {
      redis.eval(RENEW, 1, key, token, String(leaseMs)).catch(() => {
        // Redis is away: the lease runs out on its own and another worker may take over.
      });
    },
    Math.max(250, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
