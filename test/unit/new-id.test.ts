import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/new-id.js';

describe('newId', () => {
  it('mints valid ULIDs stamped with the current time, all different across pool refills', () => {
    const before = Date.now();
    const ids = Array.from({ length: 2_000 }, () => newId()); // 32,000 random characters: several refills
    const after = Date.now();
    for (const id of ids) {
      expect(isValid(id)).toBe(true);
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // The random part uses the whole alphabet: a pool that stopped refilling would repeat itself.
    const randomChars = new Set(ids.flatMap((id) => [...id.slice(10)]));
    expect(randomChars.size).toBe(32);
  });
});
