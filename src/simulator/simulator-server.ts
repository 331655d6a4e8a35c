/**
 * The OpenApp simulator: a local HTTP server that behaves like OpenApp on the routes pms-sync
 * uses, with injectable faults and a movable clock. Tests, the demo and the benchmarks run
 * against it; integrators try a feed with it before they have credentials.
 */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { newId } from '../new-id.js';
import type { ApiGeneration } from '../openapp/api-generation.js';
import { silentLogger, type Logger } from '../logger.js';
import { registerOpenAppRoutes } from './openapp-routes.js';
import { keyLabel, presentedKey } from './sim-auth.js';
import { SimClock } from './sim-clock.js';
import { registerControlRoutes } from './sim-control-routes.js';
import { FaultInjector, type FaultSettings } from './sim-faults.js';
import { RequestLog, type LoggedRequest } from './sim-request-log.js';
import { loadSnapshotFile, type Snapshot } from './sim-snapshot.js';
import { SimHttpError, SimStore, type InvitationSettings } from './sim-store.js';

export interface SimulatorOptions {
  /** The seed: the state the simulator starts from (and returns to on /_sim/reset). */
  seed: Snapshot;
  generation: ApiGeneration;
  faults?: Partial<FaultSettings>;
  invitations?: Partial<InvitationSettings>;
  /** Keep state in this file: loaded at start when it exists, written shortly after each change. */
  stateFile?: string;
  logger?: Logger;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/api/v1` */
  apiRoot: string;
  generation: ApiGeneration;
  store(): SimStore;
  faults: FaultInjector;
  requests: RequestLog;
  close(): Promise<void>;
}

const DEFAULT_INVITATIONS: InvitationSettings = { ttlMs: 7 * 24 * 3600_000, resendCooldownMs: 60_000 };
const API_PREFIX = '/api/v1/';
const STATE_SAVE_INTERVAL_MS = 200;

export async function buildSimulator(options: SimulatorOptions): Promise<{
  app: FastifyInstance;
  handle: Omit<RunningSimulator, 'origin' | 'apiRoot' | 'close'>;
  flush: () => Promise<void>;
}> {
  const logger = options.logger ?? silentLogger();
  const clock = new SimClock();
  const settings = { ...DEFAULT_INVITATIONS, ...options.invitations };
  const initial =
    options.stateFile && existsSync(options.stateFile)
      ? await loadSnapshotFile(options.stateFile)
      : options.seed;
  let store = new SimStore(initial, clock, settings);
  const faults = new FaultInjector(options.faults);
  const requests = new RequestLog();
  const injected = new WeakMap<FastifyRequest, LoggedRequest['fault']>();
  const startedAt = new WeakMap<FastifyRequest, number>();
  const resetAfterRoute = new WeakSet<FastifyRequest>();
  /** Requests already in the log: an answer both cut off and reported as written is logged once. */
  const logged = new WeakSet<FastifyRequest>();

  const app = Fastify({
    // Requests are recorded in the request log; only failures go to the project logger.
    logger: false,
    requestIdHeader: 'x-correlation-id',
    genReqId: () => newId(),
  });

  const errorBody = (req: FastifyRequest, message: string, code: string) => ({
    message,
    error_code: code,
    ...(options.generation === '2026' ? { correlationId: req.id } : {}),
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(API_PREFIX)) return;
    startedAt.set(req, clock.now());
    let key = 'anonymous';
    try {
      const presented = presentedKey(options.generation, req.headers);
      if (presented) key = keyLabel(presented.slice(presented.indexOf('_openapp_') + '_openapp_'.length));
    } catch {
      // A key in the wrong header is refused by the route itself; rate-limit it as anonymous.
    }
    const { latencyMs } = faults.current;
    if (latencyMs > 0) await sleep(latencyMs);
    const verdict = faults.decide(key, Date.now());
    switch (verdict.kind) {
      case 'none':
        return;
      case 'reset':
        if (verdict.after) {
          resetAfterRoute.add(req); // onSend drops the connection instead of the answer
          return;
        }
        logOnce(req, logEntry(req, 0, 'reset'));
        reply.hijack();
        req.raw.socket.destroy();
        return;
      case 'error':
        injected.set(req, 'error');
        if (verdict.status === 502) {
          // What a proxy in front of the API answers: HTML, not an ApiErrorResponse.
          return reply
            .code(502)
            .type('text/html')
            .send(
              '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
            );
        }
        if (verdict.retryAfterSeconds !== undefined)
          reply.header('retry-after', String(verdict.retryAfterSeconds));
        return reply.code(503).send(errorBody(req, 'Service temporarily unavailable', 'unavailable'));
      case 'respond':
        injected.set(req, 'scripted');
        return reply.code(verdict.status).send(verdict.body);
      case 'throttle':
        injected.set(req, verdict.reason === 'rate_limit' ? 'rate_limit' : 'throttle');
        return reply
          .code(429)
          .header('retry-after', String(verdict.retryAfterSeconds))
          .send(errorBody(req, 'Too many requests', 'rate_limited'));
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    if (resetAfterRoute.has(req)) {
      // The route has done its work; the client gets no answer, only a closed connection. Logged
      // with the status it would have seen, so a test can tell a lost success from a lost failure.
      logOnce(req, logEntry(req, reply.statusCode, 'reset_after', reply.elapsedTime));
      req.raw.socket.destroy();
    } else if (req.url.startsWith(API_PREFIX)) {
      // onResponse logs a request once its answer is written; a client gone by now (killed, or it
      // gave up waiting) never gets one and onResponse never runs, yet what the route did stands.
      // Logged all the same, so a test counting calls sees every change that was made.
      const res = reply.raw;
      const undelivered = () => {
        if (!res.writableFinished) {
          logOnce(req, {
            ...logEntry(req, reply.statusCode, injected.get(req), reply.elapsedTime),
            undelivered: true,
          });
        }
      };
      if (res.destroyed) undelivered();
      else res.once('close', undelivered);
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    if (!req.url.startsWith(API_PREFIX)) return;
    logOnce(req, logEntry(req, reply.statusCode, injected.get(req), reply.elapsedTime));
  });

  function logOnce(req: FastifyRequest, entry: Omit<LoggedRequest, 'seq'>): void {
    if (logged.has(req)) return;
    logged.add(req);
    requests.add(entry);
  }

  function logEntry(
    req: FastifyRequest,
    status: number,
    fault: LoggedRequest['fault'],
    durationMs = 0,
  ): Omit<LoggedRequest, 'seq'> {
    const q = req.url.indexOf('?');
    let key: string | undefined;
    try {
      const presented = presentedKey(options.generation, req.headers);
      key = presented
        ? keyLabel(presented.slice(presented.indexOf('_openapp_') + '_openapp_'.length))
        : undefined;
    } catch {
      key = undefined;
    }
    return {
      at: new Date(startedAt.get(req) ?? clock.now()).toISOString(),
      method: req.method,
      path: q >= 0 ? req.url.slice(0, q) : req.url,
      query: q >= 0 ? req.url.slice(q + 1) : '',
      status,
      durationMs: Math.round(durationMs),
      correlationId:
        typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'] : undefined,
      key,
      ...(req.method !== 'GET' && req.body !== undefined ? { body: req.body } : {}),
      ...(fault ? { fault } : {}),
    };
  }

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof SimHttpError) {
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.status).send(errorBody(req, err.message, err.code));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code =
        (err as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'invalid_json' : 'bad_request';
      return reply.code(status).send(errorBody(req, (err as Error).message, code));
    }
    logger.error({ err, method: req.method, path: req.url.split('?')[0] }, 'simulator route failed');
    return reply.code(500).send(errorBody(req, 'internal error', 'internal_error'));
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(req, `no route ${req.method} ${req.url.split('?')[0]}`, 'not_found')),
  );

  registerOpenAppRoutes(app, () => store, options.generation);
  registerControlRoutes(app, {
    store: () => store,
    log: requests,
    faults,
    reset: () => {
      store = new SimStore(options.seed, clock, settings);
    },
  });

  let savedVersion = -1;
  let savedStore: SimStore | undefined;
  const flush = async () => {
    if (!options.stateFile || (store.version === savedVersion && store === savedStore)) return;
    savedVersion = store.version;
    savedStore = store;
    const tmp = `${options.stateFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify(store.toSnapshot(), null, 2)}\n`);
    await rename(tmp, options.stateFile);
  };
  if (options.stateFile) {
    const timer = setInterval(
      () => void flush().catch((err) => logger.error({ err }, 'saving state failed')),
      STATE_SAVE_INTERVAL_MS,
    );
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await flush();
    });
  }

  return { app, handle: { generation: options.generation, store: () => store, faults, requests }, flush };
}

export async function startSimulator(
  options: SimulatorOptions & { host?: string; port?: number },
): Promise<RunningSimulator> {
  const { app, handle } = await buildSimulator(options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not bind a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;
  return {
    ...handle,
    origin,
    apiRoot: `${origin}/api/v1`,
    close: async () => {
      await app.close();
    },
  };
}
