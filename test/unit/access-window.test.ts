import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { accessAt, utcMidnightOf, type AccessRules } from '../../src/core/access-window.js';
import type { ResidentStatus } from '../../src/core/resident-record.js';

const chicago: AccessRules = { timeZone: 'America/Chicago', moveInLeadDays: 0, moveOutGraceDays: 0 };
const withLead: AccessRules = { ...chicago, moveInLeadDays: 2 };
const withGrace: AccessRules = { ...chicago, moveOutGraceDays: 3 };
const la: AccessRules = { timeZone: 'America/Los_Angeles', moveInLeadDays: 0, moveOutGraceDays: 0 };

interface Case {
  name: string;
  status?: ResidentStatus;
  moveIn?: string;
  moveOut?: string;
  leaseStart?: string;
  rules: AccessRules;
  /** An instant with its offset, so each row reads as the local time it means. */
  now: string;
  expected: 'granted' | 'denied' | 'undetermined';
}

const cases: Case[] = [
  // move-in
  {
    name: 'move-in today, just after local midnight',
    status: 'future',
    moveIn: '2026-11-22',
    rules: chicago,
    now: '2026-11-22T00:00:01-06:00',
    expected: 'granted',
  },
  {
    name: 'move-in today, just before local midnight',
    status: 'future',
    moveIn: '2026-11-22',
    rules: chicago,
    now: '2026-11-21T23:59:59-06:00',
    expected: 'denied',
  },
  {
    name: 'move-in tomorrow',
    status: 'future',
    moveIn: '2026-11-23',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'move-in in 2 days, inside a 2-day lead window',
    status: 'future',
    moveIn: '2026-11-24',
    rules: withLead,
    now: '2026-11-22T00:00:00-06:00',
    expected: 'granted',
  },
  {
    name: 'move-in in 3 days, outside a 2-day lead window',
    status: 'future',
    moveIn: '2026-11-25',
    rules: withLead,
    now: '2026-11-22T23:59:59-06:00',
    expected: 'denied',
  },
  {
    name: 'future resident without a move-in date',
    status: 'future',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'lease start stands in for a missing move-in',
    status: 'future',
    leaseStart: '2026-11-22',
    rules: chicago,
    now: '2026-11-22T08:00:00-06:00',
    expected: 'granted',
  },
  {
    name: 'current resident with no dates',
    status: 'current',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'granted',
  },
  // move-out
  {
    name: 'moved out yesterday',
    status: 'past',
    moveOut: '2026-11-21',
    rules: chicago,
    now: '2026-11-22T00:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'moves out today: access until the end of the day',
    status: 'notice',
    moveOut: '2026-11-22',
    rules: chicago,
    now: '2026-11-22T23:59:59-06:00',
    expected: 'granted',
  },
  {
    name: 'moved out yesterday, inside 3 grace days',
    status: 'past',
    moveOut: '2026-11-21',
    rules: withGrace,
    now: '2026-11-24T23:59:59-06:00',
    expected: 'granted',
  },
  {
    name: 'moved out 4 days ago, past 3 grace days',
    status: 'past',
    moveOut: '2026-11-18',
    rules: withGrace,
    now: '2026-11-22T00:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'notice resident before the move-out date keeps access',
    status: 'notice',
    moveOut: '2026-12-15',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'granted',
  },
  {
    name: '"Notice" kept after the move-out date: the date wins',
    status: 'notice',
    moveOut: '2026-11-20',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'current status after the move-out date: the date wins',
    status: 'current',
    moveOut: '2026-11-20',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'past resident with no move-out date',
    status: 'past',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'past resident whose move-out is still ahead',
    status: 'past',
    moveOut: '2026-11-30',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'granted',
  },
  // daylight saving time (America/Chicago leaves DST on 2026-11-01 at 02:00)
  {
    name: 'DST end: move-in on the 25-hour day opens at local midnight (CDT)',
    status: 'future',
    moveIn: '2026-11-01',
    rules: chicago,
    now: '2026-11-01T00:00:00-05:00',
    expected: 'granted',
  },
  {
    name: 'DST end: one second before that midnight',
    status: 'future',
    moveIn: '2026-11-01',
    rules: chicago,
    now: '2026-10-31T23:59:59-05:00',
    expected: 'denied',
  },
  {
    name: 'DST end: move-out day lasts 25 hours, still open at 23:30 CST',
    status: 'notice',
    moveOut: '2026-11-01',
    rules: chicago,
    now: '2026-11-01T23:30:00-06:00',
    expected: 'granted',
  },
  {
    name: 'DST start: move-out day of 23 hours closes at local midnight (CDT)',
    status: 'notice',
    moveOut: '2026-03-08',
    rules: chicago,
    now: '2026-03-09T00:00:00-05:00',
    expected: 'denied',
  },
  // Los Angeles, when UTC is already tomorrow
  {
    name: 'LA 17:00 on move-out day (UTC already the next day): still inside',
    status: 'notice',
    moveOut: '2026-11-22',
    rules: la,
    now: '2026-11-23T01:00:00Z',
    expected: 'granted',
  },
  {
    name: 'LA 17:00 the day before move-in (UTC already move-in day): not yet',
    status: 'future',
    moveIn: '2026-11-23',
    rules: la,
    now: '2026-11-23T01:00:00Z',
    expected: 'denied',
  },
  {
    name: 'LA midnight of move-in day is 08:00 UTC',
    status: 'future',
    moveIn: '2026-11-23',
    rules: la,
    now: '2026-11-23T08:00:00Z',
    expected: 'granted',
  },
  // statuses that decide alone
  {
    name: 'inactive status (vacant, applicant) never grants',
    status: 'inactive',
    moveIn: '2026-01-01',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'denied',
  },
  {
    name: 'unknown status is left for review',
    status: 'review',
    moveIn: '2026-01-01',
    rules: chicago,
    now: '2026-11-22T12:00:00-06:00',
    expected: 'undetermined',
  },
];

describe('accessAt', () => {
  it.each(cases)('$name -> $expected', (c) => {
    const verdict = accessAt(
      {
        status: c.status ?? 'current',
        rawStatus: c.status ?? 'Current',
        moveIn: c.moveIn,
        moveOut: c.moveOut,
        leaseStart: c.leaseStart,
      },
      c.rules,
      Date.parse(c.now),
    );
    expect(verdict.kind).toBe(c.expected);
    expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it('explains itself', () => {
    const now = Date.parse('2026-11-22T12:00:00-06:00');
    const base = { status: 'past' as const, rawStatus: 'Past' };
    expect(accessAt({ ...base, moveOut: '2026-11-10' }, withGrace, now).reason).toBe(
      'moved out 2026-11-10 (+3 grace days)',
    );
    expect(
      accessAt({ status: 'future', rawStatus: 'Future', moveIn: '2026-12-01' }, withLead, now).reason,
    ).toBe('moves in 2026-12-01 (access 2 days before)');
    expect(
      accessAt({ status: 'notice', rawStatus: 'Notice', moveOut: '2026-12-15' }, chicago, now).reason,
    ).toBe('on notice, moves out 2026-12-15');
  });
});

describe('accessAt: exact at local midnight in the zones farthest from UTC', () => {
  // Dates far from now are decided without time-zone arithmetic; these instants sit on both sides
  // of the exact local midnight, where the zone must be consulted, and at the edges of the shortcut.
  const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'America/Los_Angeles', 'Australia/Lord_Howe', 'UTC'];
  const deltasMs = [-26 * 3_600_000, -13 * 3_600_000, -1, 0, 1, 11 * 3_600_000, 13 * 3_600_000];
  const cases = zones.flatMap((zone) =>
    ['2026-04-05', '2026-10-04', '2026-12-31'].flatMap((date) =>
      deltasMs.map((delta) => ({ zone, date, delta })),
    ),
  );
  it.each(cases)(
    '$zone, move-out $date, $delta ms from the midnight that ends it',
    ({ zone, date, delta }) => {
      const rules: AccessRules = { timeZone: zone, moveInLeadDays: 0, moveOutGraceDays: 0 };
      const end = DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis();
      const verdict = accessAt(
        { status: 'current', rawStatus: 'Current', moveOut: date },
        rules,
        end + delta,
      );
      expect(verdict.kind).toBe(delta >= 0 ? 'denied' : 'granted');
      const start = DateTime.fromISO(date, { zone }).startOf('day').toMillis();
      const moveIn = accessAt({ status: 'future', rawStatus: 'Future', moveIn: date }, rules, start + delta);
      expect(moveIn.kind).toBe(delta >= 0 ? 'granted' : 'denied');
    },
  );
});

describe('utcMidnightOf reads a date as Date.parse does', () => {
  it.each([
    '2026-11-22',
    '2024-02-29', // leap day
    '2026-02-30', // rolls over, as Date.parse does
    '1999-12-31',
    '0099-01-01', // Date.UTC would read 1999
    '2026-13-01', // no such month: NaN
    '2026-00-10',
    '2026-01-32',
    '2026-1-01', // not YYYY-MM-DD
    '2026-01-0x',
    '',
  ])('%s', (date) => {
    expect(utcMidnightOf(date)).toBe(Date.parse(date));
  });

  it('agrees on every day of ten years', () => {
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2030, 0, 1); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      expect(utcMidnightOf(date)).toBe(t);
    }
  });
});
