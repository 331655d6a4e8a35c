/**
 * When and how long to wait before trying an OpenApp call again. Pure: the caller passes the
 * clock reading and the random number, so every rule here is tested by tables.
 */

/** Statuses where the same request can succeed later (the SDKs retry the same set). */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export interface RetryDecisionInput {
  /** Whether repeating the call cannot apply its effect twice (GET, DELETE, upserting POST). */
  idempotent: boolean;
  status?: number;
  /** Node / undici error code when no response arrived, e.g. ECONNRESET, UND_ERR_HEADERS_TIMEOUT. */
  networkErrorCode?: string;
}

/**
 * Whether this failure may be retried for this call. A call that is not idempotent is retried only
 * when the server certainly did not act on it: a 429, or a connection that was never opened.
 */
export function mayRetry(input: RetryDecisionInput): boolean {
  if (input.status !== undefined) {
    if (input.status === 429) return true;
    return input.idempotent && isRetryableStatus(input.status);
  }
  if (input.networkErrorCode === 'ECONNREFUSED') return true;
  return input.idempotent;
}

/**
 * Parses Retry-After (delay-seconds or an HTTP-date) into milliseconds from `nowMs`.
 * Returns undefined for a missing or unreadable header; never negative.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP-date always names the weekday; V8 would otherwise read "-5" as a year.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface BackoffSettings {
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with full jitter (a random wait between 0 and min(cap, base * 2^n)), so that
 * many workers retrying together spread out. A Retry-After from the server is a floor.
 * `attempt` counts failed attempts so far, from 1.
 */
export function backoffDelayMs(
  attempt: number,
  settings: BackoffSettings,
  random: number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
