/**
 * The simulator as an HTTP server: auth and org checks per generation, strict bodies, the
 * invitation lifecycle, the clock, fault knobs, state kept in a file, and the CLI command.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import {
  BIRCH_TOWER,
  MAPLE_COURT,
  ORG_ID,
  SEED_FILE,
  residentRole,
  simFetch,
  testSimulator,
} from '../helpers/simulator.js';

const cleanup = cleanupAfterEach();

async function sim2026(options: Parameters<typeof testSimulator>[0] = {}) {
  const sim = await testSimulator(options);
  cleanup.push(() => sim.close());
  return sim;
}

const auth = (sim: { key: string }) => ({ 'x-api-key': sim.key, 'x-org': ORG_ID });
const GINA = '01JHMXBP8GG8XRX884PM5QWZDM';

describe('auth and org checks', () => {
  it.each([
    ['no key', {}, 401, 'unauthorized'],
    ['unknown key', { 'x-api-key': 'http://h_openapp_nope-nope', 'x-org': ORG_ID }, 401, 'unauthorized'],
    [
      'API key in Authorization (2026 refuses it)',
      { authorization: 'Bearer http://h_openapp_demo-secret-maple-0001', 'x-org': ORG_ID },
      401,
      'unauthorized',
    ],
    ['missing X-Org', { 'x-api-key': 'http://h_openapp_demo-secret-maple-0001' }, 403, 'org_required'],
    [
      'X-Org of another org',
      { 'x-api-key': 'http://h_openapp_demo-secret-maple-0001', 'x-org': '01JHMXBCG0MXAGCV3XK95ZJ3NZ' },
      403,
      'forbidden',
    ],
  ])('%s -> %i', async (_label, headers, status, code) => {
    const sim = await sim2026();
    const res = await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, { headers });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code, message: expect.any(String) });
  });

  it('answers 404 for an integration of another org or one that does not exist', async () => {
    const sim = await sim2026();
    const res = await simFetch(sim, '/api/v1/integrations/01JHMXBCG0MXAGCV3XK95ZJ3NZ/people', {
      headers: auth(sim),
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'integration_not_found' });
  });

  it('on 2025 takes the key as a bearer token and has no /people or invitations', async () => {
    const sim = await sim2026({ generation: '2025' });
    const bearer = { authorization: `Bearer ${sim.key}`, 'x-org': ORG_ID };
    expect(
      (await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/building-users`, { headers: bearer })).status,
    ).toBe(200);
    expect(
      (await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/building-users`, { headers: auth(sim) }))
        .status,
    ).toBe(401);
    expect(
      (await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, { headers: bearer })).status,
    ).toBe(404);
    expect((await simFetch(sim, `/api/v1/orgs/${ORG_ID}/invitations`, { headers: bearer })).status).toBe(404);
  });

  it('echoes X-Correlation-Id as X-Request-Id, or mints one', async () => {
    const sim = await sim2026();
    const echoed = await simFetch(sim, '/api/v1/integrations', {
      headers: { ...auth(sim), 'x-correlation-id': 'abc-123' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const minted = await simFetch(sim, '/api/v1/integrations', { headers: auth(sim) });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('request bodies', () => {
  it.each([
    [
      'an unknown field',
      { user_id: GINA, role: residentRole(MAPLE_COURT), apartment: '101' },
      /Unrecognized key.*apartment/,
    ],
    ['a missing role', { user_id: GINA }, /role/],
    [
      'a role of another integration',
      { user_id: GINA, role: residentRole(BIRCH_TOWER) },
      /one of this integration's roles/,
    ],
  ])('rejects %s with 400 and an ApiErrorResponse', async (_label, json, message) => {
    const sim = await sim2026();
    const res = await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, {
      method: 'POST',
      headers: auth(sim),
      json,
    });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
  });

  it('rejects malformed JSON with 400', async () => {
    const sim = await sim2026();
    const res = await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, {
      method: 'POST',
      headers: { ...auth(sim), 'content-type': 'application/json' },
      body: '{"user_id": ',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'invalid_json' });
  });

  it('adding an unknown user is a 404', async () => {
    const sim = await sim2026();
    const res = await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, {
      method: 'POST',
      headers: auth(sim),
      json: { user_id: '01JHMXBP8GG8XRX884PM5QWZZZ', role: residentRole(MAPLE_COURT) },
    });
    expect(res.status).toBe(404);
  });
});

describe('org invitations', () => {
  async function invite(sim: RunningSimulator & { key: string }, json: unknown) {
    return simFetch(sim, `/api/v1/orgs/${ORG_ID}/invitations`, {
      method: 'POST',
      headers: { 'x-api-key': sim.key },
      json,
    });
  }
  const siteAccess = { integration_id: MAPLE_COURT, role: residentRole(MAPLE_COURT) };

  it('redeeming applies site_access, so the resident appears in the building users', async () => {
    const sim = await sim2026();
    const created = await invite(sim, { email: 'New.Tenant@example.com', site_access: siteAccess });
    expect(created.status).toBe(201);
    const id = (created.body as { invitation: { id: string } }).invitation.id;
    const redeemed = await simFetch(sim, `/_sim/invitations/${id}/redeem`, {
      method: 'POST',
      json: { name: 'Nia Tenant' },
    });
    expect(redeemed.status).toBe(200);
    const people = await simFetch(sim, `/api/v1/integrations/${MAPLE_COURT}/people`, { headers: auth(sim) });
    expect(people.body).toContainEqual(
      expect.objectContaining({
        user_email: 'New.Tenant@example.com',
        role: residentRole(MAPLE_COURT),
        user_name: 'Nia Tenant',
      }),
    );
    const list = await simFetch(sim, `/api/v1/orgs/${ORG_ID}/invitations`, {
      headers: { 'x-api-key': sim.key },
    });
    expect(
      (list.body as { invitations: { status: string; accepted_user_id: string }[] }).invitations[0],
    ).toMatchObject({
      status: 'accepted',
      accepted_user_id: (redeemed.body as { user_id: string }).user_id,
    });
    const cancel = await simFetch(sim, `/api/v1/orgs/${ORG_ID}/invitations/${id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': sim.key },
    });
    expect(cancel.status).toBe(422);
  });

  it('redeeming links an existing account found by email instead of creating one', async () => {
    const sim = await sim2026();
    const created = await invite(sim, { email: 'gina.liu@example.com', site_access: siteAccess });
    const id = (created.body as { invitation: { id: string } }).invitation.id;
    const redeemed = await simFetch(sim, `/_sim/invitations/${id}/redeem`, { method: 'POST' });
    expect((redeemed.body as { user_id: string }).user_id).toBe(GINA);
  });

  it('expires with the clock, can be resent after the cooldown with a new expiry, and not redeemed once expired', async () => {
    const sim = await sim2026({ invitations: { ttlMs: 48 * 3600_000, resendCooldownMs: 60_000 } });
    const created = await invite(sim, { phone: '+13125550123', site_access: siteAccess });
    const inv = (created.body as { invitation: { id: string; channel: string; expires_at: string } })
      .invitation;
    expect(inv.channel).toBe('sms');
    const resendPath = `/api/v1/orgs/${ORG_ID}/invitations/${inv.id}/resend`;
    const early = await simFetch(sim, resendPath, { method: 'POST', headers: { 'x-api-key': sim.key } });
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(55);

    await simFetch(sim, '/_sim/clock', { method: 'POST', json: { advance_ms: 49 * 3600_000 } });
    const state = await simFetch(sim, '/_sim/state');
    expect((state.body as { invitations: { status: string }[] }).invitations[0]?.status).toBe('expired');
    const tooLate = await simFetch(sim, `/_sim/invitations/${inv.id}/redeem`, { method: 'POST' });
    expect(tooLate.status).toBe(410);

    const resent = await simFetch(sim, resendPath, { method: 'POST', headers: { 'x-api-key': sim.key } });
    expect(resent.status).toBe(200);
    const body = resent.body as { status: string; sent_count: number; expires_at: string };
    expect(body).toMatchObject({ status: 'pending', sent_count: 2 });
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.parse(inv.expires_at));
  });

  it.each([
    ['neither email nor phone', { site_access: siteAccess }],
    ['a phone that is not E.164', { phone: '312-555-0123' }],
    ['an unknown field', { email: 'a@example.com', unit: '101' }],
  ])('rejects %s with 400', async (_label, json) => {
    const sim = await sim2026();
    expect((await invite(sim, json)).status).toBe(400);
  });

  it('refuses another org in the path with 403', async () => {
    const sim = await sim2026();
    const res = await simFetch(sim, '/api/v1/orgs/01JHMXBCG0MXAGCV3XK95ZJ3NZ/invitations', {
      headers: { 'x-api-key': sim.key },
    });
    expect(res.status).toBe(403);
  });
});

describe('fault knobs', () => {
  it('limits requests per key and answers 429 with Retry-After past the limit', async () => {
    const sim = await sim2026({ faults: { rateLimitPerSecond: 5 } });
    const statuses = [];
    for (let n = 0; n < 8; n++)
      statuses.push((await simFetch(sim, '/api/v1/integrations', { headers: auth(sim) })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(sim.requests.since().filter((r) => r.fault === 'rate_limit')).toHaveLength(3);
  });

  it('injects 5xx and 429 at the configured shares, repeatably for one seed', async () => {
    const run = async () => {
      const sim = await sim2026({ faults: { errorRate: 0.2, throttleRate: 0.1, seed: 7 } });
      const statuses: number[] = [];
      for (let n = 0; n < 200; n++)
        statuses.push((await simFetch(sim, '/api/v1/integrations', { headers: auth(sim) })).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const errors = first.filter((s) => s >= 500).length;
    const throttled = first.filter((s) => s === 429).length;
    expect(errors).toBeGreaterThan(20);
    expect(errors).toBeLessThan(60);
    expect(throttled).toBeGreaterThan(5);
    expect(throttled).toBeLessThan(40);
  });

  it('resets connections, and can be changed at run time through /_sim/faults', async () => {
    const sim = await sim2026();
    const changed = await simFetch(sim, '/_sim/faults', { method: 'PUT', json: { resetRate: 1 } });
    expect(changed.body).toMatchObject({ resetRate: 1, errorRate: 0 });
    await expect(fetch(`${sim.apiRoot}/integrations`, { headers: auth(sim) })).rejects.toThrow();
    await simFetch(sim, '/_sim/faults', { method: 'PUT', json: { resetRate: 0 } });
    expect((await simFetch(sim, '/api/v1/integrations', { headers: auth(sim) })).status).toBe(200);
    expect(sim.requests.since().map((r) => r.fault ?? r.status)).toEqual([
      expect.stringMatching(/^reset(_after)?$/),
      200,
    ]);
  });

  it('a reset after the route ran makes the change and loses the answer', async () => {
    const sim = await sim2026();
    const queued = await simFetch(sim, '/_sim/faults/next', {
      method: 'POST',
      json: [{ kind: 'reset', after: true }],
    });
    expect(queued.body).toEqual({ queued: 1 });
    await expect(
      fetch(`${sim.apiRoot}/integrations/${BIRCH_TOWER}/people`, {
        method: 'POST',
        headers: { ...auth(sim), 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: GINA, role: residentRole(BIRCH_TOWER) }),
      }),
    ).rejects.toThrow();
    const people = sim
      .store()
      .toSnapshot()
      .building_users.filter((b) => b.integration_id === BIRCH_TOWER);
    expect(people.map((p) => p.user_id)).toContain(GINA);
    expect(sim.requests.since().map((r) => [r.method, r.status, r.fault])).toEqual([
      ['POST', 201, 'reset_after'],
    ]);
  });

  it('logs a change whose client was gone before the answer, once', async () => {
    // A worker killed while its DELETE waits out OpenApp's latency: the route still runs (a request
    // without a body needs nothing more from the client), and the change it made must show in the
    // log that tests count calls with.
    const sim = await sim2026({ faults: { latencyMs: 300 } });
    const residentsOfMaple = () =>
      sim
        .store()
        .toSnapshot()
        .building_users.filter(
          (b) => b.integration_id === MAPLE_COURT && b.role === residentRole(MAPLE_COURT),
        )
        .map((b) => b.user_id);
    const userId = residentsOfMaple()[0] as string;
    await expect(
      fetch(`${sim.apiRoot}/integrations/${MAPLE_COURT}/people/${userId}`, {
        method: 'DELETE',
        headers: auth(sim),
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
    for (let waited = 0; sim.requests.since().length === 0 && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sim.requests.since().map((r) => [r.method, r.status, r.undelivered])).toEqual([
      ['DELETE', 204, true],
    ]);
    expect(residentsOfMaple()).not.toContain(userId);

    // An answer that was delivered is logged once, and not as undelivered.
    sim.faults.update({ latencyMs: 0 });
    expect((await simFetch(sim, '/api/v1/integrations', { headers: auth(sim) })).status).toBe(200);
    expect(sim.requests.since().map((r) => [r.method, r.status, r.undelivered])).toEqual([
      ['DELETE', 204, true],
      ['GET', 200, undefined],
    ]);
  });

  it('resets half of the reset share before the route runs and half after, repeatably for one seed', async () => {
    const run = async () => {
      const sim = await sim2026({ faults: { resetRate: 1, seed: 3 } });
      for (let n = 0; n < 40; n++)
        await fetch(`${sim.apiRoot}/integrations`, { headers: auth(sim) }).catch(() => undefined);
      return sim.requests.since().map((r) => r.fault);
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toHaveLength(40);
    expect(first.filter((f) => f === 'reset').length).toBeGreaterThan(10);
    expect(first.filter((f) => f === 'reset_after').length).toBeGreaterThan(10);
  });

  it('rejects a bad fault setting', async () => {
    const sim = await sim2026();
    const res = await simFetch(sim, '/_sim/faults', { method: 'PUT', json: { errorRate: 2 } });
    expect(res.status).toBe(400);
  });
});

describe('state', () => {
  it('is kept in --state across restarts, and /_sim/reset returns to the seed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-sim-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = path.join(dir, 'state.json');
    const first = await testSimulator({ stateFile });
    await simFetch(first, `/api/v1/integrations/${BIRCH_TOWER}/people`, {
      method: 'POST',
      headers: auth(first),
      json: { user_id: GINA, role: residentRole(BIRCH_TOWER) },
    });
    await first.close();

    const second = await sim2026({ stateFile });
    const people = await simFetch(second, `/api/v1/integrations/${BIRCH_TOWER}/people`, {
      headers: auth(second),
    });
    expect((people.body as { user_id: string }[]).map((p) => p.user_id)).toContain(GINA);

    await simFetch(second, '/_sim/reset', { method: 'POST' });
    const reset = await simFetch(second, `/api/v1/integrations/${BIRCH_TOWER}/people`, {
      headers: auth(second),
    });
    expect((reset.body as { user_id: string }[]).map((p) => p.user_id)).not.toContain(GINA);
  });
});

describe('pms-sync simulator (the command)', () => {
  it('serves the seeded key and org, 401 without a key, 400 for a POST with an extra field', async () => {
    const bin = new URL('../../bin/pms-sync.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'simulator', '--port', '0', '--seed', SEED_FILE], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.push(async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    });
    const lines = createInterface({ input: child.stdout });
    const apiRoot = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      lines.on('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m?.[1]) resolve(m[1]);
      });
    });
    const key = `${new URL(apiRoot).origin}_openapp_demo-secret-maple-0001`;
    const url = `${apiRoot}/integrations/${MAPLE_COURT}/people`;

    const ok = await fetch(url, { headers: { 'x-api-key': key, 'x-org': ORG_ID } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as unknown[]).length).toBe(3);
    expect((await fetch(url, { headers: { 'x-org': ORG_ID } })).status).toBe(401);
    const extra = await fetch(url, {
      method: 'POST',
      headers: { 'x-api-key': key, 'x-org': ORG_ID, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: GINA, role: residentRole(MAPLE_COURT), extra: true }),
    });
    expect(extra.status).toBe(400);
  });

  it('reports a broken seed with the file and the path, and exits 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-seed-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const seed = path.join(dir, 'bad-seed.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      seed,
      JSON.stringify({
        orgs: [{ id: 'o1', name: 'Org' }],
        api_keys: [{ secret: 'abcd1234', org_id: 'o1' }],
        integrations: [{ id: 'i1', org_id: 'o2', name: 'X' }],
        users: [{ id: 'u1', name: 'U' }],
      }),
    );
    const bin = new URL('../../bin/pms-sync.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'simulator', '--port', '0', '--seed', seed], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('bad-seed.json > users[0] > email');
  });
});
