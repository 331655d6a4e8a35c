/**
 * The HTTP service over real HTTP (127.0.0.1:0), real Redis, the simulator and a worker: signed
 * webhooks, the ops API, health and metrics, and secrets kept out of the logs.
 */
import { createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitForRun } from '../../src/cli/wait-for-run.js';
import { loadFeedsFile } from '../../src/feeds/load-feeds.js';
import { openHttpService } from '../../src/http/http-service.js';
import type { Logger } from '../../src/logger.js';
import { silentLogger } from '../../src/logger.js';
import { MAPLE_COURT, capturingLogger, ORG_ID, residentRole, testSimulator } from '../helpers/simulator.js';
import {
  REDIS_URL,
  deletePrefix,
  inProcessWorker,
  removeDir,
  uniquePrefix,
  writeFeed,
} from '../helpers/worker.js';

const ADMIN = 'admin-token-0123456789abcdef';
const SECRET_BYTES = Buffer.from('pms-sync-test-webhook-secret-bytes');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;

const cleanup = cleanupAfterEach();

function sign(id: string, timestamp: number, body: string, key = SECRET_BYTES): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

async function setup(
  options: { worker?: boolean; redisUrl?: string; logger?: Logger; mappingEdit?: (m: string) => string } = {},
) {
  const prefix = uniquePrefix();
  const sim = await testSimulator();
  const files = await writeFeed(options.mappingEdit ? { mappingEdit: options.mappingEdit } : {});
  await writeFile(
    files.feedsFile,
    `${await readFile(files.feedsFile, 'utf8')}    webhooks: { scheme: standard, secret_env: WEBHOOK_SECRET_DEMO, max_body_bytes: 4096 }\n`,
  );
  const feeds = await loadFeedsFile(files.feedsFile);
  const logger = options.logger ?? silentLogger();
  const service = openHttpService({
    feeds,
    redisUrl: options.redisUrl ?? REDIS_URL,
    prefix,
    logger,
    adminToken: ADMIN,
    env: { WEBHOOK_SECRET_DEMO: `whsec_b2xkLXNlY3JldC1yb3RhdGVkLW91dA== ${SECRET}` },
    openapp: { baseUrl: sim.apiRoot, apiKey: sim.key, orgId: ORG_ID, generation: '2026' },
  });
  const { app, queues } = service;
  await queues.ready(1_000);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  cleanup.push(
    () => sim.close(),
    () => removeDir(files.dir),
    () => deletePrefix(prefix),
    () => service.close(),
  );
  if (options.worker) {
    const worker = await inProcessWorker(sim, files.feedsFile, prefix);
    cleanup.push(() => worker.close());
  }
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const deliver = (body: string, over: { id?: string; timestamp?: number; signature?: string } = {}) => {
    const id = over.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const timestamp = over.timestamp ?? Math.floor(Date.now() / 1000);
    return post('/webhooks/demo', body, {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': over.signature ?? sign(id, timestamp, body),
    });
  };
  return { sim, files, queues, base, post, deliver };
}

const moveOut = JSON.stringify({
  type: 'resident.moved_out',
  data: { property: 'Maple Court', unit: '101' },
});

describe('webhooks', () => {
  it('accepts a signed event for one building and queues a run of that building', async () => {
    const { deliver, queues } = await setup();
    const res = await deliver(moveOut);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { run_id: string; scope: unknown };
    expect(body.scope).toEqual({ building: MAPLE_COURT });
    const run = await queues.runs.require(body.run_id);
    expect(run).toMatchObject({ trigger: 'webhook', building: MAPLE_COURT, feed: 'demo' });
  });

  it.each([
    [
      'a tampered body',
      (d: ReturnType<typeof deliverArgs>) => ({ ...d, body: d.body.replace('101', '102') }),
      401,
    ],
    [
      'a wrong secret',
      (d: ReturnType<typeof deliverArgs>) => ({
        ...d,
        signature: sign(d.id, d.timestamp, d.body, Buffer.from('nope')),
      }),
      401,
    ],
    ['a stale timestamp', (d: ReturnType<typeof deliverArgs>) => restamp(d, -301), 401],
    ['a future timestamp', (d: ReturnType<typeof deliverArgs>) => restamp(d, 301), 401],
    ['malformed JSON', (d: ReturnType<typeof deliverArgs>) => resign({ ...d, body: '{"type": ' }), 400],
    [
      'an unknown event type',
      (d: ReturnType<typeof deliverArgs>) => resign({ ...d, body: '{"type":"pizza.ordered","data":{}}' }),
      422,
    ],
    [
      'an oversized body',
      (d: ReturnType<typeof deliverArgs>) =>
        resign({ ...d, body: JSON.stringify({ type: 'lease.changed', data: { unit: 'x'.repeat(5000) } }) }),
      413,
    ],
  ])('answers %s with its status and queues nothing', async (_label, mutate, status) => {
    const { post, queues } = await setup();
    const d = mutate(deliverArgs(moveOut));
    const res = await post('/webhooks/demo', d.body, {
      'webhook-id': d.id,
      'webhook-timestamp': String(d.timestamp),
      'webhook-signature': d.signature,
    });
    expect(res.status).toBe(status);
    expect(await queues.runs.listMeta()).toEqual([]);
  });

  it('processes a delivery id once: a replay is 200 and queues nothing more', async () => {
    const { deliver, queues } = await setup();
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await deliver(moveOut, { id: 'msg_once', timestamp })).status).toBe(202);
    const replay = await deliver(moveOut, { id: 'msg_once', timestamp });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ duplicate: true });
    expect(await queues.runs.listMeta()).toHaveLength(1);
  });

  it('answers 503 when Redis is unreachable, so the PMS retries', async () => {
    const { deliver } = await setup({ redisUrl: 'redis://127.0.0.1:1' });
    const res = await deliver(moveOut);
    expect(res.status).toBe(503);
  });

  it('a move-out event ends with the resident removed in OpenApp', async () => {
    // Two of Maple Court's two residents leave in this run: allow it, this test is not about guards.
    const { deliver, files, queues, sim } = await setup({
      worker: true,
      mappingEdit: (m) => m.replace('max_removal_percent: 20', 'max_removal_percent: 100'),
    });
    // The PMS export now says Ana moved out yesterday; the webhook says "look at unit 101".
    const csv = await readFile(files.csvFile, 'utf8');
    await writeFile(files.csvFile, csv.replace('Current,2024-06-01,,', 'Past,2024-06-01,2026-11-01,'));
    const res = await deliver(moveOut);
    const { run_id } = (await res.json()) as { run_id: string };
    const run = await waitForRun(queues.runs, run_id, 20_000);
    expect(run.status).toBe('applied');
    const removed = sim.requests
      .since()
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path);
    expect(removed).toContain(`/api/v1/integrations/${MAPLE_COURT}/people/01JHMXBGD068YSJKY5Y5XFM7F0`);
    const state = sim.store().toSnapshot();
    expect(
      state.building_users.some(
        (b) => b.user_id === '01JHMXBGD068YSJKY5Y5XFM7F0' && b.role === residentRole(MAPLE_COURT),
      ),
    ).toBe(false);
  });
});

describe('ops API, health and metrics', () => {
  it('refuses without the admin token, and triggers, lists and shows runs with it', async () => {
    const { base } = await setup();
    expect((await fetch(`${base}/api/runs`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/runs`, { headers: { authorization: 'Bearer wrong-token-0000000000' } }))
        .status,
    ).toBe(401);
    const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const triggered = await fetch(`${base}/api/feeds/demo/sync`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ dry_run: true }),
    });
    expect(triggered.status).toBe(202);
    const { run_id } = (await triggered.json()) as { run_id: string };
    const list = (await (await fetch(`${base}/api/runs`, { headers: auth })).json()) as {
      runs: { id: string }[];
    };
    expect(list.runs.map((r) => r.id)).toContain(run_id);
    const shown = (await (await fetch(`${base}/api/runs/${run_id}`, { headers: auth })).json()) as {
      id: string;
      dryRun: boolean;
    };
    expect(shown).toMatchObject({ id: run_id, dryRun: true });
    expect(
      (await fetch(`${base}/api/runs/${run_id}/approve`, { method: 'POST', headers: auth, body: '{}' }))
        .status,
    ).toBe(409);
    expect((await fetch(`${base}/api/runs/NOPE`, { headers: auth })).status).toBe(404);
    expect(
      (await fetch(`${base}/api/feeds/nope/sync`, { method: 'POST', headers: auth, body: '{}' })).status,
    ).toBe(404);
  });

  it('limits console sign-ins per address: ten tries, then 429 with Retry-After, even for the right token', async () => {
    const { base } = await setup();
    const signIn = (token: string) =>
      fetch(`${base}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ token, next: '/' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      });
    for (let i = 0; i < 10; i++) expect((await signIn(`wrong-${i}`)).status).toBe(401);
    const limited = await signIn(ADMIN);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many sign-in attempts from this address');
  });

  it('is healthy, ready with Redis and OpenApp, and exposes metrics', async () => {
    const { base, deliver } = await setup();
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', redis: 'ok', openapp: 'ok' });
    await deliver(moveOut);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/pms_sync_webhook_deliveries_total\{feed="demo",outcome="accepted"\} 1/);
    expect(metrics).toMatch(/pms_sync_runs\{trigger="webhook",status="queued"\} 1/);
    expect(metrics).toMatch(/pms_sync_openapp_request_seconds_bucket/);
    expect(metrics).toMatch(/pms_sync_queue_jobs\{queue="feeds",state="waiting"\}/);
  });

  it('serves the queue board at /ui to the admin only', async () => {
    const { base } = await setup();
    expect((await fetch(`${base}/ui`)).status).toBe(401);
    const page = await fetch(`${base}/ui`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const queues = await fetch(`${base}/ui/api/queues`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(
      ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort(),
    ).toEqual(['buildings', 'feeds']);
  });

  it('describes every route it answers in /docs/openapi.json', async () => {
    const { base } = await setup();
    const doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/feeds/{feed}/sync',
        '/api/invitations',
        '/api/runs',
        '/api/runs/{id}',
        '/api/runs/{id}/approve',
        '/api/runs/{id}/reject',
        '/docs/openapi.json',
        '/healthz',
        '/metrics',
        '/readyz',
        '/webhooks/{feed}',
      ].sort(),
    );
  });

  it('is not ready when Redis is away', async () => {
    const { base } = await setup({ redisUrl: 'redis://127.0.0.1:1' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
  });

  it('never writes the admin token or a webhook secret to the logs', async () => {
    const { logger, text } = capturingLogger([ADMIN, SECRET]);
    const { base, deliver } = await setup({ logger });
    await fetch(`${base}/api/runs`, { headers: { authorization: `Bearer ${ADMIN}` } });
    await fetch(`${base}/api/runs`, { headers: { authorization: 'Bearer guessed-token-111111' } });
    await deliver(moveOut);
    await deliver(moveOut, { signature: 'v1,AAAA' });
    const out = text();
    expect(out.length).toBeGreaterThan(0);
    expect(out).not.toContain(ADMIN);
    expect(out).not.toContain(SECRET_BYTES.toString('base64'));
    expect(out).not.toContain('guessed-token-111111');
  });
});

function deliverArgs(body: string) {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return { id, timestamp, body, signature: sign(id, timestamp, body) };
}
function resign(d: ReturnType<typeof deliverArgs>) {
  return { ...d, signature: sign(d.id, d.timestamp, d.body) };
}
function restamp(d: ReturnType<typeof deliverArgs>, seconds: number) {
  return resign({ ...d, timestamp: d.timestamp + seconds });
}
