/**
 * Sends one logical OpenApp call: auth and tracing headers, a timeout per attempt, retries with
 * backoff for failures that retrying can fix, a shared concurrency limit and keep-alive pool, and
 * a typed error for everything else. Knows nothing about individual routes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import pThrottle from 'p-throttle';
import { Agent, request, type Dispatcher } from 'undici';
import { newId } from '../new-id.js';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { apiErrorBodySchema } from './wire-schemas.js';
import { OpenAppContractError, OpenAppError } from './openapp-error.js';
import { backoffDelayMs, mayRetry, parseRetryAfter } from './retry-policy.js';

export interface TransportOptions {
  /** API root, e.g. `https://openapp.house/api/v1`. */
  baseUrl: string;
  /** Headers that authenticate every call (built by the API generation). */
  authHeaders: Record<string, string>;
  orgId: string;
  logger: Logger;
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  retryBudgetMs: number;
  /** Calls in flight at once across this transport. */
  concurrency: number;
  /** Attempts per second at most, spread evenly (0: no limit). */
  ratePerSecond?: number;
  userAgent?: string;
  /** For tests: deterministic jitter. */
  random?: () => number;
  /** Sees every attempt that got an answer, e.g. for a latency histogram. */
  onAttempt?: (info: { operation: string; status: number; durationMs: number }) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Ties this call to a run in OpenApp's logs; a fresh id is minted when absent. */
  correlationId?: string;
}

export interface CallSpec<T> {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API root, ids already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Send the X-Org header (org-scoped routes). */
  orgScoped: boolean;
  /** Safe to repeat without applying the effect twice. */
  idempotent: boolean;
  /** Parses a success body; omit for routes that answer with no body. */
  responseSchema?: z.ZodType<T>;
  /**
   * A cheap check, at least as strict as `responseSchema`, that lets a large well-formed body skip
   * the schema (which copies it); a body it refuses is judged by the schema.
   */
  wellFormed?: (json: unknown) => boolean;
  /** Statuses that are not errors for this call (e.g. 404 on remove means already removed). */
  acceptStatuses?: readonly number[];
}

export interface CallResult<T> {
  status: number;
  data: T | undefined;
  requestId: string | undefined;
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}

export class HttpTransport {
  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  /** Resolves when the next attempt may start (the rate limit), or undefined without one. */
  private readonly paced: (() => Promise<void>) | undefined;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connections: Math.max(1, options.concurrency),
    });
    this.limit = pLimit(Math.max(1, options.concurrency));
    const rate = options.ratePerSecond ?? 0;
    // One attempt every 1/rate seconds rather than `rate` per second in bursts: OpenApp's limit is
    // a token bucket, and an even pace never drains it, so a run at the limit sees no 429.
    this.paced = rate > 0 ? pThrottle({ limit: 1, interval: 1000 / rate })(async () => {}) : undefined;
    this.random = options.random ?? Math.random;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async call<T>(spec: CallSpec<T>, callOptions: CallOptions = {}): Promise<CallResult<T>> {
    const correlationId = callOptions.correlationId ?? newId();
    const started = Date.now();
    const log = this.options.logger.child({ op: spec.operation, correlationId });
    for (let attempt = 1; ; attempt++) {
      callOptions.signal?.throwIfAborted();
      let failure: OpenAppError;
      try {
        return await this.limit(async () => {
          if (this.paced) await this.paced();
          return this.attempt(spec, correlationId, callOptions.signal, attempt, log);
        });
      } catch (err) {
        if (!(err instanceof OpenAppError)) throw err;
        failure = err;
      }
      const retriesLeft = attempt <= this.options.maxRetries;
      const allowed =
        failure.retryable &&
        !(failure instanceof OpenAppContractError) &&
        mayRetry({
          idempotent: spec.idempotent,
          status: failure.status,
          networkErrorCode: failure.code,
        });
      const delay = backoffDelayMs(
        attempt,
        { baseMs: this.options.retryBaseMs, capMs: this.options.retryCapMs },
        this.random(),
        failure.retryAfterMs,
      );
      const withinBudget = Date.now() - started + delay <= this.options.retryBudgetMs;
      if (!allowed || !retriesLeft || !withinBudget) {
        failure.attempts = attempt;
        throw failure;
      }
      log.warn(
        { attempt, status: failure.status, code: failure.code, delayMs: delay, requestId: failure.requestId },
        'OpenApp call failed, retrying',
      );
      await sleep(delay, undefined, callOptions.signal ? { signal: callOptions.signal } : undefined);
    }
  }

  private async attempt<T>(
    spec: CallSpec<T>,
    correlationId: string,
    signal: AbortSignal | undefined,
    attempt: number,
    log: Logger,
  ): Promise<CallResult<T>> {
    const url = new URL(`${this.options.baseUrl}${spec.path}`);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      ...this.options.authHeaders,
      accept: 'application/json',
      'x-correlation-id': correlationId,
      'user-agent': this.options.userAgent ?? 'pms-sync',
    };
    if (spec.orgScoped) headers['x-org'] = this.options.orgId;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const base = { operation: spec.operation, method: spec.method, path: spec.path, correlationId };

    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const t0 = performance.now();
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await request(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        dispatcher: this.agent,
        signal: combined,
      });
      text = await response.body.text();
    } catch (err) {
      if (signal?.aborted) {
        throw new OpenAppError(`OpenApp ${spec.method} ${spec.path} was cancelled`, {
          ...base,
          code: 'aborted',
          retryable: false,
          cause: err,
        });
      }
      const timedOut = timeout.aborted;
      const code = timedOut ? 'timeout' : networkCode(err);
      throw new OpenAppError(
        timedOut
          ? `OpenApp ${spec.method} ${spec.path} timed out after ${this.options.timeoutMs} ms`
          : `OpenApp ${spec.method} ${spec.path} failed before a response: ${code}`,
        { ...base, code, retryable: true, cause: err },
      );
    }
    const durationMs = Math.round(performance.now() - t0);
    this.options.onAttempt?.({ operation: spec.operation, status: response.statusCode, durationMs });
    const requestId = headerValue(response.headers, 'x-request-id');
    log.debug(
      { method: spec.method, path: spec.path, status: response.statusCode, durationMs, requestId, attempt },
      'OpenApp call',
    );

    const status = response.statusCode;
    const ok = (status >= 200 && status < 300) || (spec.acceptStatuses ?? []).includes(status);
    if (!ok) {
      const body = parseErrorBody(text);
      const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), Date.now());
      const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
      throw new OpenAppError(
        `OpenApp ${spec.method} ${spec.path} answered ${status}: ${body.message ?? describeNonJson(text)}`,
        { ...base, status, code: body.code, requestId, retryable, retryAfterMs },
      );
    }
    if (!spec.responseSchema || status < 200 || status >= 300) return { status, data: undefined, requestId };

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new OpenAppContractError(
        `OpenApp ${spec.method} ${spec.path} answered ${status} with a body that is not JSON (${describeNonJson(text)})`,
        { ...base, status, requestId, retryable: false },
      );
    }
    if (spec.wellFormed?.(json)) return { status, data: json as T, requestId };
    const parsed = spec.responseSchema.safeParse(json);
    if (!parsed.success) {
      throw new OpenAppContractError(
        `OpenApp ${spec.method} ${spec.path} answered ${status} with a body that breaks the contract: ${describeZodIssues(parsed.error)}`,
        { ...base, status, requestId, retryable: false },
      );
    }
    return { status, data: parsed.data, requestId };
  }
}

function networkCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const withCode = err as { code?: unknown; cause?: { code?: unknown } };
    if (typeof withCode.code === 'string') return withCode.code;
    if (typeof withCode.cause?.code === 'string') return withCode.cause.code;
  }
  return 'network_error';
}

function parseErrorBody(text: string): { message?: string; code?: string } {
  if (text.trim() === '') return {};
  try {
    const parsed = apiErrorBodySchema.safeParse(JSON.parse(text));
    if (!parsed.success) return {};
    return { message: parsed.data.message, code: parsed.data.error_code ?? parsed.data.code ?? undefined };
  } catch {
    return {};
  }
}

function describeNonJson(text: string): string {
  if (text.trim() === '') return 'empty body';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `non-JSON body "${oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine}"`;
}
