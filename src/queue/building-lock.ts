/**
 * One sync of a building at a time, across every worker: a Redis lock with a token, renewed while
 * held, released only by its holder. A worker that dies loses it when the lease runs out.
 *
 * A holder that cannot renew (Redis away, or the key taken over after its lease ran out) may no
 * longer be the only one syncing the building: `lost` is aborted then, before the lease can run
 * out, so the holder stops changing OpenApp and its job is retried from its journal.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from './queue-names.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
  /** Aborted once the lock can no longer be counted on; its reason says why. */
  lost: AbortSignal;
}

/** Give up the lock when this share of the lease has passed without a renewal. */
const GIVE_UP_SHARE = 2 / 3;

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
  const lost = new AbortController();
  const giveUp = (why: string) => {
    clearInterval(timer);
    lost.abort(new Error(`the lock on building ${integrationId} ${why}`));
  };
  let renewedAt = Date.now();
  /** When the renewal still unanswered was sent. */
  let askedAt: number | undefined;
  let lastFailed = false;
  const tick = Math.max(100, Math.floor(leaseMs / 6));
  const timer = setInterval(() => {
    const now = Date.now();
    // Late alone is not lost (a busy event loop delays this timer too): the lock is given up when
    // Redis has not confirmed it for most of the lease and is not answering.
    const late = now - renewedAt > leaseMs * GIVE_UP_SHARE;
    const unanswered = askedAt !== undefined && now - askedAt >= tick;
    if (late && (unanswered || lastFailed)) {
      giveUp('could not be renewed before its lease ran out (is Redis reachable?)');
      return;
    }
    if (askedAt !== undefined) return;
    const asked = (askedAt = now);
    redis.eval(RENEW, 1, key, token, String(leaseMs)).then(
      (renewed) => {
        askedAt = undefined;
        lastFailed = false;
        if (renewed === 1) renewedAt = asked;
        else giveUp('lapsed or was taken over by another worker');
      },
      () => {
        askedAt = undefined;
        lastFailed = true;
      },
    );
  }, tick);
  timer.unref();
  return {
    lost: lost.signal,
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
