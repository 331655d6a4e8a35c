/**
 * The OpenApp client over real HTTP against the simulator on 127.0.0.1:0: both API generations,
 * resilience (Retry-After, retries, timeouts, aborts, concurrency), error typing, and secrets.
 */
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { OpenAppClient } from '../../src/openapp/openapp-client.js';
import {
  OpenAppContractError,
  OpenAppError,
  UnsupportedByGenerationError,
} from '../../src/openapp/openapp-error.js';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import {
  BIRCH_TOWER,
  MAPLE_COURT,
  ORG_ID,
  SECRET,
  capturingLogger,
  clientFor,
  exampleSeed,
  residentRole,
  simulatorWithClient,
  testSimulator,
} from '../helpers/simulator.js';

const GINA = '01JHMXBP8GG8XRX884PM5QWZDM';
const EVE = '01JHMXBMA0XB6V6Z2EABR2E8RA';

const cleanup = cleanupAfterEach();

const setup = (options: Parameters<typeof testSimulator>[0] = {}, clientOptions = {}) =>
  simulatorWithClient(cleanup, options, clientOptions);

function mutations(sim: RunningSimulator) {
  return sim.requests.since().filter((r) => r.method !== 'GET');
}

async function failure(promise: Promise<unknown>): Promise<OpenAppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OpenAppError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe.each(['2025', '2026'] as const)('building users, API generation %s', (generation) => {
  it('lists, adds and removes residents; a repeated remove is "already_absent"', async () => {
    const { sim, client } = await setup({ generation });
    const before = await client.listBuildingUsers(MAPLE_COURT);
    expect(before.map((u) => u.email).sort()).toEqual([
      'ana.gomez@example.com',
      'eve.martin@example.com',
      'frank@maple-pm.example.com',
    ]);
    expect(before.find((u) => u.email === 'ana.gomez@example.com')?.units).toEqual([
      '01JHMXC0000000000000APT101',
    ]);

    await client.addBuildingUser(MAPLE_COURT, { userId: GINA, role: residentRole(MAPLE_COURT) });
    await client.addBuildingUser(MAPLE_COURT, { userId: GINA, role: residentRole(MAPLE_COURT) }); // upsert
    expect(await client.removeBuildingUser(MAPLE_COURT, EVE)).toBe('removed');
    expect(await client.removeBuildingUser(MAPLE_COURT, EVE)).toBe('already_absent');

    const after = await client.listBuildingUsers(MAPLE_COURT);
    expect(after.map((u) => u.name).sort()).toEqual(['Ana Gomez', 'Frank Concierge', 'Gina Liu']);
    const segment = generation === '2025' ? 'building-users' : 'people';
    expect(mutations(sim).map((m) => `${m.method} ${m.path} ${m.status}`)).toEqual([
      `POST /api/v1/integrations/${MAPLE_COURT}/${segment} 201`,
      `POST /api/v1/integrations/${MAPLE_COURT}/${segment} 201`,
      `DELETE /api/v1/integrations/${MAPLE_COURT}/${segment}/${EVE} 204`,
      `DELETE /api/v1/integrations/${MAPLE_COURT}/${segment}/${EVE} 404`,
    ]);
  });

  it('authenticates the way its generation does', async () => {
    const { sim } = await setup({ generation });
    const requests = sim.requests;
    const client = clientFor(sim);
    cleanup.push(() => client.close());
    await client.listBuildingUsers(BIRCH_TOWER);
    expect(requests.since().at(-1)?.status).toBe(200);
    // A client of the other generation is refused: the key is in the wrong header.
    const other = clientFor(sim, { generation: generation === '2025' ? '2026' : '2025' });
    cleanup.push(() => other.close());
    const err = await failure(other.listIntegrations());
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
  });
});

describe('users and integrations', () => {
  it('finds a user by exact email, case-insensitively, across every page of a substring search', async () => {
    const seed = exampleSeed();
    // 450 users whose emails contain the wanted one as a substring, and the real one last.
    for (let n = 0; n < 450; n++) {
      seed.users.push({
        id: `01JHMY${String(n).padStart(20, '0')}`,
        name: `Decoy ${n}`,
        email: `x${n}.gina.liu@example.com`,
        roles: {},
      });
    }
    const { sim, client } = await setup({ seed });
    const found = await client.findUsersByEmail('  GINA.LIU@example.com ');
    expect(found.map((u) => u.id)).toEqual([GINA]);
    const searches = sim.requests.since().filter((r) => r.path === '/api/v1/users/search');
    expect(searches.map((r) => new URLSearchParams(r.query).get('offset'))).toEqual(['0', '200', '400']);
    expect(await client.findUsersByEmail('nobody@example.com')).toEqual([]);
  });

  it('gets one user, and a missing one is a typed 404', async () => {
    const { client } = await setup();
    const user = await client.getUser(GINA);
    expect(user).toMatchObject({ id: GINA, name: 'Gina Liu', email: 'gina.liu@example.com' });
    const err = await failure(client.getUser('01JHMXBP8GG8XRX884PM5QWZZZ'));
    expect(err).toMatchObject({
      status: 404,
      code: 'user_not_found',
      retryable: false,
      operation: 'getUser',
    });
  });

  it('lists integrations across pages and filters by provider', async () => {
    const seed = exampleSeed();
    for (let n = 0; n < 230; n++) {
      seed.integrations.push({
        id: `01JHMZ${String(n).padStart(20, '0')}`,
        org_id: ORG_ID,
        name: { en: `Building ${n}` },
        provider_type: 'virtual_access',
        enabled: true,
        health: 'ok',
      });
    }
    const { client } = await setup({ seed });
    expect(await client.listIntegrations()).toHaveLength(233);
    expect(await client.listIntegrations({ providerType: 'go2rtc' })).toHaveLength(1);
    expect((await client.getIntegration(BIRCH_TOWER)).name).toBe('Birch Tower');
  });

  it('resolves an integration by name in any locale, and refuses an ambiguous name', async () => {
    const seed = exampleSeed();
    seed.integrations.push({
      id: '01JHMXBFDR081QJQP6M90ZDQEZ',
      org_id: ORG_ID,
      name: { en: 'Birch Tower' },
      provider_type: 'virtual_access',
      enabled: true,
      health: 'ok',
    });
    const { client } = await setup({ seed });
    expect((await client.resolveIntegrationByName('PATIO MAPLE')).id).toBe(MAPLE_COURT);
    await expect(client.resolveIntegrationByName('Birch Tower')).rejects.toThrow(
      /2 integrations are named "Birch Tower"/,
    );
    await expect(client.resolveIntegrationByName('Oak House')).rejects.toThrow(
      /no integration is named "Oak House"/,
    );
  });
});

describe('org invitations', () => {
  it('creates, lists, resends after the cooldown and cancels', async () => {
    const { sim, client } = await setup({ invitations: { resendCooldownMs: 60_000 } });
    const { invitation, redeemUrl } = await client.createInvitation({
      email: 'new.tenant@example.com',
      siteAccess: { integrationId: MAPLE_COURT, role: residentRole(MAPLE_COURT) },
    });
    expect(invitation).toMatchObject({
      status: 'pending',
      sentCount: 1,
      email: 'new.tenant@example.com',
      channel: 'email',
    });
    expect(invitation.siteAccess).toEqual({ integrationId: MAPLE_COURT, role: residentRole(MAPLE_COURT) });
    expect(redeemUrl).toMatch(/\/invite\/[0-9a-f]{32}$/);
    expect((await client.listInvitations()).map((i) => i.id)).toEqual([invitation.id]);

    const cooldown = await failure(client.resendInvitation(invitation.id));
    expect(cooldown).toMatchObject({ status: 429, code: 'invitation_rate_limited', retryable: true });
    expect(cooldown.retryAfterMs).toBe(60_000); // longer than the retry budget: handed back, not waited out

    sim.store().clock.advance(61_000);
    const resent = await client.resendInvitation(invitation.id);
    expect(resent.sentCount).toBe(2);
    await client.cancelInvitation(invitation.id);
    expect((await client.listInvitations())[0]?.status).toBe('cancelled');
    const again = await failure(client.cancelInvitation(invitation.id));
    expect(again.status).toBe(422);
  });

  it('is refused up front on the 2025 generation, which has no invitations', async () => {
    const { sim, client } = await setup({ generation: '2025' });
    await expect(client.listInvitations()).rejects.toThrow(UnsupportedByGenerationError);
    expect(sim.requests.since()).toEqual([]);
  });
});

describe('resilience', () => {
  it('honours Retry-After on a 429 before trying again', async () => {
    const { sim, client } = await setup();
    sim.faults.enqueue([{ kind: 'throttle', retryAfterSeconds: 1 }]);
    const users = await client.listBuildingUsers(BIRCH_TOWER);
    expect(users).toHaveLength(1);
    const [first, second] = sim.requests.since();
    expect([first?.status, second?.status]).toEqual([429, 200]);
    const gap = Date.parse(second?.at ?? '') - Date.parse(first?.at ?? '');
    expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it("keeps to OPENAPP_RATE_LIMIT: at the key's limit nothing is throttled, without it the burst is", async () => {
    // A key limited to 10 requests/s with a bucket of 10: 30 calls at once drain it.
    const faults = { rateLimitPerSecond: 10, retryAfterSeconds: 0 };
    const paced = await setup({ faults }, { ratePerSecond: 10 });
    await Promise.all(Array.from({ length: 30 }, () => paced.client.listBuildingUsers(BIRCH_TOWER)));
    expect(paced.sim.requests.since().map((r) => r.status)).toEqual(Array(30).fill(200));

    const unpaced = await setup({ faults });
    await Promise.all(Array.from({ length: 30 }, () => unpaced.client.listBuildingUsers(BIRCH_TOWER)));
    expect(unpaced.sim.requests.since().filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it('turns a non-JSON 502 into a typed, retryable error when retries run out', async () => {
    const { sim, client } = await setup({}, { maxRetries: 0 });
    sim.faults.enqueue([{ kind: 'error', status: 502 }]);
    const err = await failure(client.listBuildingUsers(BIRCH_TOWER));
    expect(err).toMatchObject({ status: 502, retryable: true, attempts: 1, operation: 'listBuildingUsers' });
    expect(err.message).toMatch(/answered 502: non-JSON body "<html>/);
    expect(err.requestId).toBeTruthy();
  });

  it('retries 5xx and connection resets on calls that are safe to repeat', async () => {
    const { sim, client } = await setup();
    sim.faults.enqueue([{ kind: 'error', status: 503 }, { kind: 'reset' }, { kind: 'error', status: 502 }]);
    await client.removeBuildingUser(MAPLE_COURT, EVE);
    expect(sim.requests.since().map((r) => r.fault ?? r.status)).toEqual(['error', 'reset', 'error', 204]);
  });

  it('never repeats an invitation after an ambiguous failure, but does after a 429', async () => {
    const { sim, client } = await setup();
    const input = {
      email: 'a@example.com',
      siteAccess: { integrationId: MAPLE_COURT, role: residentRole(MAPLE_COURT) },
    };
    sim.faults.enqueue([{ kind: 'error', status: 503 }]);
    const err = await failure(client.createInvitation(input));
    expect(err).toMatchObject({ status: 503, attempts: 1, retryable: true });
    sim.faults.enqueue([{ kind: 'throttle', retryAfterSeconds: 0 }]);
    await client.createInvitation(input);
    expect(mutations(sim).map((m) => m.status)).toEqual([503, 429, 201]);
  });

  it('does not repeat an invitation whose answer was lost to a connection reset', async () => {
    const { sim, client } = await setup();
    sim.faults.enqueue([{ kind: 'reset', after: true }]);
    const err = await failure(
      client.createInvitation({
        email: 'a@example.com',
        siteAccess: { integrationId: MAPLE_COURT, role: residentRole(MAPLE_COURT) },
      }),
    );
    expect(err).toMatchObject({ status: undefined, attempts: 1, retryable: true });
    // OpenApp made it: a retry would have been a second invitation.
    expect(mutations(sim).map((m) => [m.status, m.fault])).toEqual([[201, 'reset_after']]);
  });

  it('an empty error body still gives a typed error', async () => {
    const { sim, client } = await setup({}, { maxRetries: 0 });
    sim.faults.enqueue([{ kind: 'respond', status: 500, body: '' }]);
    const err = await failure(client.listIntegrations());
    expect(err).toMatchObject({ status: 500, retryable: true });
    expect(err.message).toMatch(/answered 500: empty body/);
  });

  it('ignores unknown response fields but rejects a missing required one with a clear error', async () => {
    const { sim, client } = await setup();
    sim.faults.enqueue([
      {
        kind: 'respond',
        status: 200,
        body: [
          {
            user_id: 'u1',
            role: residentRole(BIRCH_TOWER),
            listings: [],
            user_email: 'a@x.com',
            brand_new_field: { x: 1 },
          },
        ],
      },
    ]);
    const users = await client.listBuildingUsers(BIRCH_TOWER);
    expect(users).toEqual([
      { userId: 'u1', role: residentRole(BIRCH_TOWER), units: [], email: 'a@x.com', name: undefined },
    ]);

    sim.faults.enqueue([{ kind: 'respond', status: 200, body: [{ user_id: 'u1', listings: [] }] }]);
    const err = await failure(client.listBuildingUsers(BIRCH_TOWER));
    expect(err).toBeInstanceOf(OpenAppContractError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/breaks the contract: 0\.role: /);
    expect(sim.requests.since()).toHaveLength(2); // a contract error is not retried
  });

  it('times out a slow call', async () => {
    const { client } = await setup({ faults: { latencyMs: 400 } }, { timeoutMs: 100, maxRetries: 0 });
    const err = await failure(client.listIntegrations());
    expect(err).toMatchObject({ code: 'timeout', retryable: true, status: undefined });
  });

  it('stops at once when the caller aborts', async () => {
    const { client } = await setup({ faults: { latencyMs: 2_000 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(client.listIntegrations({}, { signal: controller.signal }));
    expect(err).toMatchObject({ code: 'aborted', retryable: false });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('keeps no more calls in flight than its concurrency limit', async () => {
    const { sim, client } = await setup({ faults: { latencyMs: 60 } }, { concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.listBuildingUsers(BIRCH_TOWER)));
    const spans = sim.requests.since().map((r) => {
      const start = Date.parse(r.at);
      return { start, end: start + r.durationMs };
    });
    const maxOverlap = Math.max(
      ...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length),
    );
    expect(spans).toHaveLength(6);
    expect(maxOverlap).toBeLessThanOrEqual(2);
  });
});

describe('tracing and secrets', () => {
  it('sends X-Correlation-Id, logs the X-Request-Id answer, and never logs the API key', async () => {
    const sim = await testSimulator();
    cleanup.push(() => sim.close());
    const { logger, text } = capturingLogger([sim.key, SECRET]);
    const client = new OpenAppClient({
      baseUrl: sim.apiRoot,
      apiKey: sim.key,
      orgId: ORG_ID,
      generation: '2026',
      logger,
      maxRetries: 1,
      retryBaseMs: 1,
    });
    cleanup.push(() => client.close());
    await client.listBuildingUsers(MAPLE_COURT, { correlationId: 'run-42' });
    sim.faults.enqueue([
      { kind: 'error', status: 503 },
      { kind: 'error', status: 503 },
    ]);
    const err = await failure(client.listBuildingUsers(MAPLE_COURT));
    logger.error({ err }, 'sync failed');
    const wrongOrg = new OpenAppClient({
      baseUrl: sim.apiRoot,
      apiKey: sim.key,
      orgId: 'other-org',
      generation: '2026',
      logger,
    });
    cleanup.push(() => wrongOrg.close());
    logger.error({ err: await failure(wrongOrg.listIntegrations()) }, 'forbidden');

    const first = sim.requests.since()[0];
    expect(first?.correlationId).toBe('run-42');
    const out = text();
    expect(out).toMatch(/"requestId":"run-42"/); // the server echoes the correlation id as X-Request-Id
    expect(out).toContain('OpenApp call failed, retrying');
    expect(out).toContain('"status":403');
    expect(out).not.toContain(SECRET);
  });
});
