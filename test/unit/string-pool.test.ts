import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/mappings/string-pool.js';

describe('StringPool', () => {
  it('finds what it kept, by the key it was kept for', () => {
    const pool = new StringPool<number>();
    expect(pool.find(1)).toBeUndefined();
    expect(pool.keep(1, '2026-03-16')).toBe('2026-03-16');
    expect(pool.find(1)).toBe('2026-03-16');
    expect(pool.find(2)).toBeUndefined();
    expect(pool.of(1, 'another copy')).toBe('2026-03-16');
    expect(pool.of(2, '2026-03-17')).toBe('2026-03-17');
    expect(pool.find(2)).toBe('2026-03-17');
  });

  it.each([
    [0, ['a', 'b', 'c'], []],
    [2, ['a', 'b', 'c'], ['a', 'b']],
    [5, ['a', 'b', 'c'], ['a', 'b', 'c']],
  ])('holds at most %i values and still returns the ones it cannot keep', (limit, values, held) => {
    const pool = new StringPool(limit);
    for (const v of values) expect(pool.keep(v, v)).toBe(v);
    expect(values.filter((v) => pool.find(v) !== undefined)).toEqual(held);
  });
});
