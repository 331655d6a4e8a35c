/**
 * The simulator's notion of now: the real clock plus an offset that tests move with
 * `POST /_sim/clock`, so expiry and cooldowns can be crossed without waiting.
 */
export class SimClock {
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  set(isoInstant: string): void {
    const at = Date.parse(isoInstant);
    if (Number.isNaN(at)) throw new RangeError(`not an ISO instant: "${isoInstant}"`);
    this.offsetMs = at - Date.now();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
