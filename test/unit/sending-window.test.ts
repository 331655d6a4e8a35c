import { describe, expect, it } from 'vitest';
import {
  firstSendingInstant,
  isInsideSendingHours,
  nextSendingWindowStart,
  type SendingHours,
} from '../../src/core/sending-window.js';

const CHICAGO = 'America/Chicago';
const LA = 'America/Los_Angeles';
const daytime: SendingHours = { start: '09:00', end: '20:00' };
const overnight: SendingHours = { start: '22:00', end: '06:00' };
/** 02:30 does not exist in Chicago on 2026-03-08 (02:00 CST -> 03:00 CDT). */
const inSpringGap: SendingHours = { start: '02:30', end: '04:00' };
/** 01:00-02:00 happens twice in Chicago on 2026-11-01 (CDT, then CST). */
const endInRepeatedHour: SendingHours = { start: '22:00', end: '01:30' };

const ms = (iso: string) => Date.parse(iso);

describe('isInsideSendingHours', () => {
  const cases: { name: string; zone: string; hours: SendingHours; now: string; inside: boolean }[] = [
    {
      name: 'exactly at start is inside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T09:00:00-05:00',
      inside: true,
    },
    {
      name: 'just before start is outside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T08:59:59.999-05:00',
      inside: false,
    },
    {
      name: 'just before end is inside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T19:59:59.999-05:00',
      inside: true,
    },
    {
      name: 'exactly at end is outside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T20:00:00-05:00',
      inside: false,
    },
    {
      name: '3 a.m. in winter is outside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-01-10T03:00:00-06:00',
      inside: false,
    },
    {
      name: 'noon UTC is 7 a.m. in Chicago: outside',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T12:00:00Z',
      inside: false,
    },
    {
      name: 'overnight: exactly at start',
      zone: LA,
      hours: overnight,
      now: '2026-06-10T22:00:00-07:00',
      inside: true,
    },
    {
      name: 'overnight: before midnight',
      zone: LA,
      hours: overnight,
      now: '2026-06-10T23:30:00-07:00',
      inside: true,
    },
    {
      name: 'overnight: after midnight',
      zone: LA,
      hours: overnight,
      now: '2026-06-11T05:59:59-07:00',
      inside: true,
    },
    {
      name: 'overnight: exactly at end',
      zone: LA,
      hours: overnight,
      now: '2026-06-11T06:00:00-07:00',
      inside: false,
    },
    {
      name: 'overnight: midday',
      zone: LA,
      hours: overnight,
      now: '2026-06-11T12:00:00-07:00',
      inside: false,
    },
    {
      name: 'DST start day: morning at start',
      zone: LA,
      hours: daytime,
      now: '2026-03-08T09:00:00-07:00',
      inside: true,
    },
    {
      name: 'DST start day: start in the skipped hour opens at 03:00 CDT',
      zone: CHICAGO,
      hours: inSpringGap,
      now: '2026-03-08T03:00:00-05:00',
      inside: true,
    },
    {
      name: 'DST start day: last instant before the jump',
      zone: CHICAGO,
      hours: inSpringGap,
      now: '2026-03-08T01:59:59-06:00',
      inside: false,
    },
    {
      name: 'DST end day: start in standard time',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-11-01T09:00:00-06:00',
      inside: true,
    },
    {
      name: 'DST end day: 08:59 standard time',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-11-01T08:59:00-06:00',
      inside: false,
    },
    {
      name: 'DST end day: repeated hour, first pass before end',
      zone: CHICAGO,
      hours: endInRepeatedHour,
      now: '2026-11-01T01:15:00-05:00',
      inside: true,
    },
    {
      name: 'DST end day: repeated hour, first pass after end',
      zone: CHICAGO,
      hours: endInRepeatedHour,
      now: '2026-11-01T01:45:00-05:00',
      inside: false,
    },
    {
      name: 'DST end day: repeated hour, second pass before end (wall clock)',
      zone: CHICAGO,
      hours: endInRepeatedHour,
      now: '2026-11-01T01:15:00-06:00',
      inside: true,
    },
    {
      name: 'start equal to end is open all day',
      zone: LA,
      hours: { start: '09:00', end: '09:00' },
      now: '2026-06-10T03:00:00-07:00',
      inside: true,
    },
  ];
  it.each(cases)('$name', ({ zone, hours, now, inside }) => {
    expect(isInsideSendingHours(ms(now), zone, hours)).toBe(inside);
  });

  it('names a malformed time', () => {
    expect(() => isInsideSendingHours(0, CHICAGO, { start: '9:00', end: '20:00' })).toThrow('"9:00"');
  });
  it('names an unknown time zone', () => {
    expect(() => isInsideSendingHours(0, 'Mars/Olympus', daytime)).toThrow('"Mars/Olympus"');
  });
});

describe('nextSendingWindowStart', () => {
  const cases: { name: string; zone: string; hours: SendingHours; now: string; expected: string }[] = [
    {
      name: 'before the window: today at start',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T03:00:00-05:00',
      expected: '2026-06-10T09:00:00-05:00',
    },
    {
      name: 'exactly at start: now',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T09:00:00-05:00',
      expected: '2026-06-10T09:00:00-05:00',
    },
    {
      name: 'inside the window: tomorrow at start',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T12:00:00-05:00',
      expected: '2026-06-11T09:00:00-05:00',
    },
    {
      name: 'exactly at end: tomorrow at start',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-06-10T20:00:00-05:00',
      expected: '2026-06-11T09:00:00-05:00',
    },
    {
      name: 'over the DST start night: 09:00 CDT, 11 h later',
      zone: CHICAGO,
      hours: daytime,
      now: '2026-03-07T21:00:00-06:00',
      expected: '2026-03-08T09:00:00-05:00',
    },
    {
      name: 'over the DST end night: 09:00 PST, 13 h later',
      zone: LA,
      hours: daytime,
      now: '2026-10-31T21:00:00-07:00',
      expected: '2026-11-01T09:00:00-08:00',
    },
    {
      name: 'start in the skipped hour: the end of the gap',
      zone: CHICAGO,
      hours: inSpringGap,
      now: '2026-03-07T12:00:00-06:00',
      expected: '2026-03-08T03:00:00-05:00',
    },
    {
      name: 'start in the skipped hour, the day after: 02:30 CDT',
      zone: CHICAGO,
      hours: inSpringGap,
      now: '2026-03-08T12:00:00-05:00',
      expected: '2026-03-09T02:30:00-05:00',
    },
    {
      name: 'start in the repeated hour: its first occurrence',
      zone: CHICAGO,
      hours: { start: '01:30', end: '05:00' },
      now: '2026-11-01T00:00:00-05:00',
      expected: '2026-11-01T01:30:00-05:00',
    },
    {
      name: 'overnight, at midday: tonight',
      zone: LA,
      hours: overnight,
      now: '2026-06-10T12:00:00-07:00',
      expected: '2026-06-10T22:00:00-07:00',
    },
    {
      name: 'overnight, inside before midnight: tomorrow night',
      zone: LA,
      hours: overnight,
      now: '2026-06-10T23:00:00-07:00',
      expected: '2026-06-11T22:00:00-07:00',
    },
    {
      name: 'overnight, inside after midnight: tonight',
      zone: LA,
      hours: overnight,
      now: '2026-06-11T02:00:00-07:00',
      expected: '2026-06-11T22:00:00-07:00',
    },
    {
      name: 'open all day: now',
      zone: LA,
      hours: { start: '00:00', end: '00:00' },
      now: '2026-06-10T03:00:00-07:00',
      expected: '2026-06-10T03:00:00-07:00',
    },
  ];
  it.each(cases)('$name', ({ zone, hours, now, expected }) => {
    expect(nextSendingWindowStart(ms(now), zone, hours)).toBe(ms(expected));
  });
});

describe('firstSendingInstant', () => {
  it('is the instant itself inside the window', () => {
    expect(firstSendingInstant(ms('2026-06-10T12:00:00-05:00'), CHICAGO, daytime)).toBe(
      ms('2026-06-10T12:00:00-05:00'),
    );
  });
  it('is the next opening outside it', () => {
    expect(firstSendingInstant(ms('2026-06-10T21:00:00-05:00'), CHICAGO, daytime)).toBe(
      ms('2026-06-11T09:00:00-05:00'),
    );
  });
});
