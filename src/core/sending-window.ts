/**
 * The property's local sending hours: the part of each local day in which invitations may go out
 * (no invitation at 3 a.m.). Hours are wall-clock `HH:MM` in the property's time zone; `start` is
 * inclusive and `end` exclusive. A window with `start` after `end` crosses midnight (22:00-06:00);
 * `start` equal to `end` means open all day. Pure: `now` is passed in.
 *
 * DST: the window is judged on the local wall clock. On the spring-forward day a `start` inside
 * the skipped hour opens the window at the first instant whose local time is past it (02:30 in
 * Chicago opens at 03:00 CDT); on the fall-back day an `end` inside the repeated hour closes the
 * window twice, once in each offset.
 */
import { DateTime } from 'luxon';

export interface SendingHours {
  /** Local `HH:MM`, inclusive. */
  start: string;
  /** Local `HH:MM`, exclusive. */
  end: string;
}

const MINUTE = 60_000;

function minutesOf(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59)
    throw new RangeError(`expected a local time as HH:MM, got "${hhmm}"`);
  return hours * 60 + minutes;
}

function zoned(ms: number, timeZone: string): DateTime<true> {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`"${timeZone}" is not an IANA time zone`);
  return local;
}

/** Minutes since local midnight, with the fraction of the current minute. */
function wallMinutes(local: DateTime): number {
  return local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / MINUTE;
}

export function isInsideSendingHours(nowMs: number, timeZone: string, hours: SendingHours): boolean {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const t = wallMinutes(zoned(nowMs, timeZone));
  if (start === end) return true;
  if (start < end) return t >= start && t < end;
  return t >= start || t < end;
}

/**
 * Epoch ms at which the window opens on one local calendar day: local `start`, or, when DST skips
 * that wall time, the first instant of the day whose local time is past it.
 */
function openingOn(day: DateTime, startMinutes: number, timeZone: string): number {
  const wanted = { year: day.year, month: day.month, day: day.day };
  const candidate = DateTime.fromObject(
    { ...wanted, hour: Math.floor(startMinutes / 60), minute: startMinutes % 60 },
    { zone: timeZone },
  );
  let opening = candidate.toMillis();
  if (candidate.hour * 60 + candidate.minute === startMinutes) {
    // A wall time that happens twice (fall back): luxon picks the later one; the window opens at the first.
    const offsetBefore = zoned(opening - 3 * 60 * MINUTE, timeZone).offset;
    if (offsetBefore <= candidate.offset) return opening;
    const earlier = zoned(opening - (offsetBefore - candidate.offset) * MINUTE, timeZone);
    return earlier.hour * 60 + earlier.minute === startMinutes && earlier.day === wanted.day
      ? earlier.toMillis()
      : opening;
  }
  // In a DST gap luxon moves the wall time forward by the gap; step back to where the gap ends.
  for (;;) {
    const previous = zoned(opening - MINUTE, timeZone);
    const sameDay =
      previous.year === wanted.year && previous.month === wanted.month && previous.day === wanted.day;
    if (!sameDay || wallMinutes(previous) < startMinutes) return opening;
    opening -= MINUTE;
  }
}

/**
 * Epoch ms of the next opening of the window: the earliest local `start` at or after `nowMs`
 * (so `nowMs` itself when it is exactly the opening). An all-day window is always open: `nowMs`.
 */
export function nextSendingWindowStart(nowMs: number, timeZone: string, hours: SendingHours): number {
  const start = minutesOf(hours.start);
  if (start === minutesOf(hours.end)) return nowMs;
  const today = zoned(nowMs, timeZone).startOf('day');
  for (let days = 0; days <= 2; days++) {
    const opening = openingOn(today.plus({ days }), start, timeZone);
    if (opening >= nowMs) return opening;
  }
  /* c8 ignore next */
  throw new Error(`no opening of the sending hours ${hours.start}-${hours.end} found after ${nowMs}`);
}

/** The earliest instant at or after `fromMs` inside the sending hours. */
export function firstSendingInstant(fromMs: number, timeZone: string, hours: SendingHours): number {
  return isInsideSendingHours(fromMs, timeZone, hours)
    ? fromMs
    : nextSendingWindowStart(fromMs, timeZone, hours);
}
