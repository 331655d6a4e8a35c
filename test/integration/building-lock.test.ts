/**
 * The per-building lock on the real Redis: held while it is renewed, given up (its `lost` signal
 * aborted) once it cannot be counted on, but not because the event loop was busy for a while.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { tryLockBuilding } from '../../src/queue/building-lock.js';
import { keys } from '../../src/queue/queue-names.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/worker.js';

const cleanup = cleanupAfterEach();
const LEASE_MS = 600;

function setup() {
  const prefix = uniquePrefix();
  const redis = new Redis(REDIS_URL);
  const admin = new Redis(REDIS_URL);
  cleanup.push(
    () => deletePrefix(prefix),
    async () => redis.disconnect(),
    async () => admin.disconnect(),
  );
  return { prefix, redis, admin, key: keys.buildingLock(prefix, 'b1') };
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await sleep(20);
  return condition();
}

describe('building lock', () => {
  it('is held while renewed, keeps others out, and is free once released', async () => {
    const { prefix, redis, admin, key } = setup();
    const lock = await tryLockBuilding(redis, prefix, 'b1', LEASE_MS);
    expect(lock).toBeDefined();
    await sleep(LEASE_MS * 2.5);
    expect(lock?.lost.aborted).toBe(false);
    expect(await admin.pttl(key)).toBeGreaterThan(0);
    expect(await tryLockBuilding(admin, prefix, 'b1', LEASE_MS)).toBeUndefined();
    await lock?.release();
    const next = await tryLockBuilding(admin, prefix, 'b1', LEASE_MS);
    expect(next).toBeDefined();
    await next?.release();
  });

  it('is given up when another worker holds it (its lease ran out)', async () => {
    const { prefix, redis, admin, key } = setup();
    const lock = await tryLockBuilding(redis, prefix, 'b1', LEASE_MS);
    await admin.set(key, 'another-worker', 'PX', 10_000);
    expect(await until(() => lock?.lost.aborted === true, LEASE_MS * 2)).toBe(true);
    expect(String(lock?.lost.reason)).toMatch(/lapsed or was taken over by another worker/);
  });

  it('is given up before its lease runs out when Redis stops answering', async () => {
    const { prefix, redis, key, admin } = setup();
    const lock = await tryLockBuilding(redis, prefix, 'b1', LEASE_MS);
    const since = Date.now();
    redis.disconnect(); // every renewal fails from now on
    expect(await until(() => lock?.lost.aborted === true, LEASE_MS * 2)).toBe(true);
    expect(Date.now() - since).toBeLessThan(LEASE_MS + 100);
    expect(String(lock?.lost.reason)).toMatch(/could not be renewed before its lease ran out/);
    // The key is still there, running out on its own: nobody else could take it yet.
    expect(await admin.exists(key)).toBe(1);
  });

  it('is not given up because the event loop was busy for most of the lease', async () => {
    const { prefix, redis } = setup();
    const lock = await tryLockBuilding(redis, prefix, 'b1', LEASE_MS);
    const busyUntil = Date.now() + LEASE_MS * 0.8;
    while (Date.now() < busyUntil) {
      // a long synchronous plan
    }
    await sleep(LEASE_MS);
    expect(lock?.lost.aborted).toBe(false);
    await lock?.release();
  });
});
