/**
 * New ULIDs (correlation ids, run ids, request ids). The ulid package draws one random byte per
 * character through its own call into the crypto module; an API client mints one id per request,
 * so the random bytes come from a pool refilled from the same CSPRNG 4 KiB at a time.
 */
import { getRandomValues } from 'node:crypto';
import { ulid } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/** A number in [0, 1) from the pool, as ulid's own generator makes one (a byte / 256). */
function pooledRandom(): number {
  if (next === pool.length) {
    getRandomValues(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
}

export function newId(): string {
  return ulid(undefined, pooledRandom);
}
