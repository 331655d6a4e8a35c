import { describe, expect, it } from 'vitest';
import { backoffDelayMs, mayRetry, parseRetryAfter } from '../../src/openapp/retry-policy.js';

describe('mayRetry', () => {
  it.each([
    // idempotent, status, network code, expected
    [true, 429, undefined, true],
    [true, 500, undefined, true],
    [true, 502, undefined, true],
    [true, 503, undefined, true],
    [true, 504, undefined, true],
    [true, 408, undefined, true],
    [true, 425, undefined, true],
    [true, 400, undefined, false],
    [true, 401, undefined, false],
    [true, 404, undefined, false],
    [true, 422, undefined, false],
    [true, undefined, 'ECONNRESET', true],
    [true, undefined, 'timeout', true],
    [false, 429, undefined, true], // OpenApp did not act on a throttled call
    [false, 503, undefined, false], // it may have acted: never send an invitation twice
    [false, undefined, 'ECONNRESET', false],
    [false, undefined, 'timeout', false],
    [false, undefined, 'ECONNREFUSED', true], // the request never left
  ] as const)(
    'idempotent=%s status=%s network=%s -> %s',
    (idempotent, status, networkErrorCode, expected) => {
      expect(mayRetry({ idempotent, status, networkErrorCode })).toBe(expected);
    },
  );
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['  ', undefined],
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    ['1.5', 1500],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['Sun, 22 Nov 2026 09:59:00 GMT', 0], // a date in the past means "now", never negative
    ['soon', undefined],
    ['-5', undefined],
  ])('%j -> %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('backoffDelayMs (full jitter)', () => {
  const settings = { baseMs: 250, capMs: 8000 };
  it.each([
    // attempt, random, retryAfterMs, expected
    [1, 0.999999, undefined, 249], // ceiling 250
    [2, 0.999999, undefined, 499], // ceiling 500
    [3, 0.5, undefined, 500], // ceiling 1000
    [10, 0.999999, undefined, 7999], // capped at 8000
    [1, 0, undefined, 0], // full jitter can retry at once
    [1, 0.5, 2000, 2000], // Retry-After is a floor
    [6, 0.9, 1000, 7200], // jitter above Retry-After wins
  ])('attempt %i, random %f, Retry-After %s -> %i ms', (attempt, random, retryAfter, expected) => {
    expect(backoffDelayMs(attempt, settings, random, retryAfter)).toBe(expected);
  });
});
