/**
 * Fault injection for the simulator: latency, a share of 5xx, a share of 429 with Retry-After,
 * connection resets and a per-key request-rate limit. Random draws come from a seeded generator,
 * so a run with `--fault-seed` fails the same requests every time.
 */
import { z } from 'zod';
import { seededRandom } from '../core/seeded-random.js';

const faultFields = {
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share of requests answered with a 5xx (half JSON 503, half an HTML 502 from a "proxy"). */
  errorRate: z.number().min(0).max(1),
  /** Share of requests answered 429 with Retry-After. */
  throttleRate: z.number().min(0).max(1),
  retryAfterSeconds: z.number().int().min(0).max(3600),
  /**
   * Share of requests whose connection is destroyed without an answer: half before the route runs
   * (nothing happened), half after it ran (the change was made, the answer is lost), as when a
   * proxy or the network drops a connection; a client cannot tell the two apart.
   */
  resetRate: z.number().min(0).max(1),
  /** Requests per second allowed per API key; 0 means no limit. */
  rateLimitPerSecond: z.number().min(0),
  seed: z.number().int(),
};
export const faultSettingsSchema = z.strictObject(faultFields);
/** A change to some knobs; the others keep their values. */
export const faultPatchSchema = faultSettingsSchema.partial();

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  throttleRate: 0,
  retryAfterSeconds: 1,
  resetRate: 0,
  rateLimitPerSecond: 0,
  seed: 1,
};

export type FaultSettings = z.output<typeof faultSettingsSchema>;

/**
 * A fault for exactly the next request, consumed in order before any random draw: tests use it to
 * say "the next call gets a 429 with Retry-After 1" or "answers this malformed body".
 */
export const scriptedFaultSchema = z.union([
  /** `after: true`: the route runs first, so the change is made but its answer never arrives. */
  z.strictObject({ kind: z.literal('reset'), after: z.boolean().default(false) }),
  z.strictObject({
    kind: z.literal('error'),
    status: z.union([z.literal(502), z.literal(503)]),
    /** A 503 that asks the client to come back later, as gateways in maintenance do. */
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  z.strictObject({ kind: z.literal('throttle'), retryAfterSeconds: z.number().int().min(0) }),
  z.strictObject({
    kind: z.literal('respond'),
    status: z.number().int().min(200).max(599),
    body: z.unknown(),
  }),
]);
export type ScriptedFault = z.output<typeof scriptedFaultSchema>;

export type FaultVerdict =
  | { kind: 'none' }
  | { kind: 'reset'; after: boolean }
  | { kind: 'error'; status: 502 | 503; retryAfterSeconds?: number }
  | { kind: 'throttle'; retryAfterSeconds: number; reason: 'injected' | 'rate_limit' }
  | { kind: 'respond'; status: number; body: unknown };

/** A token bucket per key holding at most one second of requests. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string, perSecond: number, nowMs: number): number | undefined {
    const capacity = Math.max(1, perSecond);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
    bucket.at = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return (1 - bucket.tokens) / perSecond; // seconds until the next token
  }
}

export class FaultInjector {
  private settings: FaultSettings;
  private random: () => number;
  private readonly limiter = new RateLimiter();
  private script: ScriptedFault[] = [];

  constructor(settings: Partial<FaultSettings> = {}) {
    this.settings = faultSettingsSchema.parse({ ...NO_FAULTS, ...settings });
    this.random = seededRandom(this.settings.seed);
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  update(patch: Partial<FaultSettings>): FaultSettings {
    const next = faultSettingsSchema.parse({ ...this.settings, ...faultPatchSchema.parse(patch) });
    if (next.seed !== this.settings.seed) this.random = seededRandom(next.seed);
    this.settings = next;
    return this.current;
  }

  /** Queues faults for the next requests, in order. */
  enqueue(faults: z.input<typeof scriptedFaultSchema>[]): number {
    this.script.push(...faults.map((f) => scriptedFaultSchema.parse(f)));
    return this.script.length;
  }

  get queued(): number {
    return this.script.length;
  }

  /**
   * Decides the fate of one request: a scripted fault first, then the rate limit (as a gateway
   * would), then the random shares.
   */
  decide(apiKey: string, nowMs: number): FaultVerdict {
    const next = this.script.shift();
    if (next) {
      if (next.kind === 'throttle') return { ...next, reason: 'injected' };
      if (next.kind === 'respond') return { kind: 'respond', status: next.status, body: next.body };
      return next;
    }
    const s = this.settings;
    if (s.rateLimitPerSecond > 0) {
      const wait = this.limiter.take(apiKey, s.rateLimitPerSecond, nowMs);
      if (wait !== undefined) {
        return { kind: 'throttle', retryAfterSeconds: Math.max(1, Math.ceil(wait)), reason: 'rate_limit' };
      }
    }
    if (s.resetRate > 0 && this.random() < s.resetRate) return { kind: 'reset', after: this.random() < 0.5 };
    if (s.throttleRate > 0 && this.random() < s.throttleRate) {
      return { kind: 'throttle', retryAfterSeconds: s.retryAfterSeconds, reason: 'injected' };
    }
    if (s.errorRate > 0 && this.random() < s.errorRate) {
      return { kind: 'error', status: this.random() < 0.5 ? 503 : 502 };
    }
    return { kind: 'none' };
  }
}
