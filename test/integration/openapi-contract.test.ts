/**
 * Contract test: pms-sync against the OpenAPI documents of both OpenApp API generations
 * (../shared/openapp/, background in openapp-api.md §1-4 and §7). It catches drift in four places:
 *
 * 1. routes: every route the client calls exists with the expected method, operationId, query
 *    parameters, X-Org header and security scheme;
 * 2. request bodies: our strict zod request schemas against the spec's request components;
 * 3. response schemas: our zod response schemas read only what the spec declares and require
 *    nothing the spec leaves optional;
 * 4. real traffic: the real client driven against the simulator, its requests and the simulator's
 *    answers validated with ajv against the spec itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_GENERATIONS, GENERATIONS, type ApiGeneration } from '../../src/openapp/api-generation.js';
import {
  addBuildingUserRequestSchema,
  apiErrorBodySchema,
  buildingUser2025Schema,
  buildingUser2026Schema,
  createInvitationRequestSchema,
  createInvitationResponseSchema,
  integrationSchema,
  listInvitationsResponseSchema,
  userInvitationSchema,
  user2025Schema,
  user2026Schema,
  userPage2025Schema,
  userPage2026Schema,
} from '../../src/openapp/wire-schemas.js';
import {
  compareWithSpec,
  componentName,
  declaredParams,
  loadSpec,
  matchOperation,
  operation,
  requestBodySchema,
  responseSchema,
  specValidator,
  startRecordingProxy,
  type CompareOptions,
  type Schema,
} from '../helpers/openapi-spec.js';
import {
  MAPLE_COURT,
  ORG_ID,
  clientFor,
  residentRole,
  simFetch,
  testSimulator,
} from '../helpers/simulator.js';

const ANA = '01JHMXBGD068YSJKY5Y5XFM7F0';
const EVE = '01JHMXBMA0XB6V6Z2EABR2E8RA';
const GINA = '01JHMXBP8GG8XRX884PM5QWZDM';
const UNKNOWN_ID = '01JHMXZZZZZZZZZZZZZZZZZZZZ';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

/** The building-users collection: `/building-users` in 2025, `/people` in 2026 (§4). */
const collection = (generation: ApiGeneration) => GENERATIONS[generation].buildingUsersSegment;

// ---- 1. routes ----

interface ExpectedRoute {
  /** The OpenAppClient method that calls the route. */
  call: string;
  method: 'get' | 'post' | 'delete';
  path: string;
  operationId: string;
  /** Query parameters the client sends. */
  query?: string[];
  /** Whether the route takes X-Org (org-scoped) or carries the org in its path. */
  xOrg: boolean;
  /** The request body component the client's body must match. */
  body?: string;
}

function expectedRoutes(generation: ApiGeneration): ExpectedRoute[] {
  const people = `/integrations/{id}/${collection(generation)}`;
  const old = generation === '2025';
  const routes: ExpectedRoute[] = [
    {
      call: 'listBuildingUsers',
      method: 'get',
      path: people,
      operationId: old ? 'list_building_users' : 'list_people',
      xOrg: true,
    },
    {
      call: 'addBuildingUser',
      method: 'post',
      path: people,
      operationId: old ? 'add_building_user' : 'add_person',
      xOrg: true,
      body: 'AddBuildingUserPayload',
    },
    {
      call: 'removeBuildingUser',
      method: 'delete',
      path: `${people}/{user_id}`,
      operationId: old ? 'delete_building_user' : 'delete_person',
      xOrg: true,
    },
    {
      call: 'findUsersByEmail',
      method: 'get',
      path: '/users/search',
      operationId: 'search_users',
      query: ['q', 'limit', 'offset'],
      xOrg: false,
    },
    { call: 'getUser', method: 'get', path: '/users/{id}', operationId: 'get_user', xOrg: true },
    {
      call: 'listIntegrations',
      method: 'get',
      path: '/integrations',
      operationId: 'list_integrations',
      query: ['limit', 'offset', 'provider_type', 'q'],
      xOrg: true,
    },
    {
      call: 'getIntegration',
      method: 'get',
      path: '/integrations/{id}',
      operationId: 'get_integration',
      xOrg: true,
    },
  ];
  if (GENERATIONS[generation].hasOrgInvitations) {
    routes.push(
      {
        call: 'createInvitation',
        method: 'post',
        path: '/orgs/{id}/invitations',
        operationId: 'create_invitation',
        xOrg: false,
        body: 'CreateInvitationRequest',
      },
      {
        call: 'listInvitations',
        method: 'get',
        path: '/orgs/{id}/invitations',
        operationId: 'list_invitations',
        xOrg: false,
      },
      {
        call: 'resendInvitation',
        method: 'post',
        path: '/orgs/{id}/invitations/{invite_id}/resend',
        operationId: 'resend_invitation',
        xOrg: false,
      },
      {
        call: 'cancelInvitation',
        method: 'delete',
        path: '/orgs/{id}/invitations/{invite_id}',
        operationId: 'cancel_invitation',
        xOrg: false,
      },
    );
  }
  return routes;
}

/** The headers api-generation.ts must send, derived from the document's security scheme. */
function authHeadersFromSpec(generation: ApiGeneration, key: string): Record<string, string> {
  const schemes = Object.values(loadSpec(generation).components.securitySchemes ?? {});
  expect(schemes, `the ${generation} document declares one security scheme`).toHaveLength(1);
  const scheme = schemes[0]!;
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer')
    return { authorization: `Bearer ${key}` };
  if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name)
    return { [scheme.name.toLowerCase()]: key };
  throw new Error(`unexpected security scheme ${JSON.stringify(scheme)}`);
}

describe.each(API_GENERATIONS)('OpenAPI %s: the routes the client calls', (generation) => {
  const doc = loadSpec(generation);

  it.each(expectedRoutes(generation))('$call: $method $path is $operationId', (route) => {
    const op = operation(doc, route.method, route.path);
    expect(
      op,
      `${route.method.toUpperCase()} ${route.path} is missing from the ${generation} document`,
    ).toBeDefined();
    if (!op) return;
    expect(op.operationId).toBe(route.operationId);

    const params = declaredParams(doc, op);
    const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name);
    expect(queryNames, 'query parameters the client sends').toEqual(
      expect.arrayContaining(route.query ?? []),
    );

    const xOrg = params.find((p) => p.in === 'header' && p.name.toLowerCase() === 'x-org');
    expect(xOrg !== undefined, 'X-Org header declared').toBe(route.xOrg);
    if (xOrg) expect(xOrg.required).toBe(true);

    expect(componentName(requestBodySchema(op)), 'request body component').toBe(route.body);

    const schemeName = Object.keys(doc.components.securitySchemes ?? {})[0];
    expect(op.security, 'the route is authenticated by the document security scheme').toEqual([
      { [schemeName!]: [] },
    ]);
  });

  it('authenticates with the security scheme api-generation.ts sends (2025 http bearer, 2026 X-API-Key)', () => {
    const scheme = Object.values(doc.components.securitySchemes ?? {})[0];
    expect(scheme).toMatchObject(
      generation === '2025'
        ? { type: 'http', scheme: 'bearer' }
        : { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    );
    expect(GENERATIONS[generation].authHeaders('KEY')).toEqual(authHeadersFromSpec(generation, 'KEY'));
  });

  it('has the building-users collection and org invitations exactly where the generation traits say', () => {
    const paths = Object.keys(doc.paths);
    const withSegment = (segment: string) => paths.filter((p) => p.split('/').includes(segment));
    const other = collection(generation) === 'people' ? 'building-users' : 'people';
    expect(withSegment(collection(generation)).length).toBeGreaterThan(0);
    expect(withSegment(other), `${generation} must not have /${other}`).toEqual([]);

    const orgInvitations = paths.filter((p) => /^\/orgs\/\{[^}]+\}\/invitations(\/|$)/.test(p));
    if (GENERATIONS[generation].hasOrgInvitations) expect(orgInvitations.length).toBeGreaterThan(0);
    else expect(orgInvitations).toEqual([]);
  });
});

// ---- 2. request bodies ----

describe('request bodies: our strict zod schemas against the spec components', () => {
  it.each([
    {
      generation: '2025',
      ours: 'addBuildingUserRequestSchema',
      schema: addBuildingUserRequestSchema,
      spec: 'AddBuildingUserPayload',
    },
    {
      generation: '2026',
      ours: 'addBuildingUserRequestSchema',
      schema: addBuildingUserRequestSchema,
      spec: 'AddBuildingUserPayload',
    },
    {
      generation: '2026',
      ours: 'createInvitationRequestSchema',
      schema: createInvitationRequestSchema,
      spec: 'CreateInvitationRequest',
    },
  ] as const)('$generation: $ours matches $spec', ({ generation, schema, spec }) => {
    expect(compareWithSpec('request', schema, loadSpec(generation), spec)).toEqual([]);
  });

  it('reports drift: an extra field, a dropped required field, a loose object, a nullable field', () => {
    const doc = loadSpec('2026');
    const withApartment = z.strictObject({ user_id: z.string(), role: z.string(), apartment: z.string() });
    expect(compareWithSpec('request', withApartment, doc, 'AddBuildingUserPayload')).toEqual([
      'AddBuildingUserPayload.apartment: we send it, the spec does not declare it',
    ]);

    const roleOptional = z.object({ user_id: z.string(), role: z.string().nullish() });
    expect(compareWithSpec('request', roleOptional, doc, 'AddBuildingUserPayload')).toEqual([
      'AddBuildingUserPayload.role: we may send null, the spec does not allow it',
      'AddBuildingUserPayload.role: the spec requires it, our schema does not',
      'AddBuildingUserPayload: the spec forbids unknown properties (additionalProperties: false), our schema does not',
    ]);

    const wrongNested = z.strictObject({
      site_access: z.object({
        integration_id: z.string(),
        role: z.number(),
        listing: z.object({ entity_id: z.string() }),
      }),
    });
    expect(compareWithSpec('request', wrongNested, doc, 'CreateInvitationRequest')).toEqual([
      'CreateInvitationRequest.site_access.role: we may send number, the spec expects string',
      'CreateInvitationRequest.site_access.listing.role: the spec requires it, our schema does not',
    ]);
  });
});

// ---- 3. response schemas ----

/**
 * `code` is not in either document: the public docs ("Errors & retries") call the stable code `code`,
 * the spec `error_code`, so the client reads both (openapp-api.md §2). The same docs, which match
 * the 2025 generation, describe `correlationId`; the 2026 document adds it to ApiErrorResponse.
 */
const ERROR_BODY_EXTRAS: Record<ApiGeneration, CompareOptions> = {
  '2025': {
    documentedExtras: {
      'ApiErrorResponse.code': 'public docs, openapp-api.md §2',
      'ApiErrorResponse.correlationId': 'public docs, openapp-api.md §2 (declared by the 2026 document)',
    },
  },
  '2026': { documentedExtras: { 'ApiErrorResponse.code': 'public docs, openapp-api.md §2' } },
};

interface ResponseCase {
  generation: ApiGeneration;
  ours: string;
  schema: z.ZodType;
  spec: string;
  options?: CompareOptions;
}

const RESPONSE_CASES: ResponseCase[] = [
  {
    generation: '2025',
    ours: 'buildingUser2025Schema',
    schema: buildingUser2025Schema,
    spec: 'BuildingUserResponse',
  },
  {
    generation: '2026',
    ours: 'buildingUser2026Schema',
    schema: buildingUser2026Schema,
    spec: 'BuildingUserResponse',
  },
  ...API_GENERATIONS.flatMap((generation): ResponseCase[] => [
    {
      generation,
      ours: `user${generation}Schema`,
      schema: generation === '2025' ? user2025Schema : user2026Schema,
      spec: 'UserResponse',
    },
    // Compared for /users/search only: the generic PaginatedResponse types its items as UserResponse
    // on every route (a generator artifact, §3), so integrationPageSchema is covered by integrationSchema.
    {
      generation,
      ours: `userPage${generation}Schema`,
      schema: generation === '2025' ? userPage2025Schema : userPage2026Schema,
      spec: 'PaginatedResponse',
    },
    { generation, ours: 'integrationSchema', schema: integrationSchema, spec: 'IntegrationResponse' },
    {
      generation,
      ours: 'apiErrorBodySchema',
      schema: apiErrorBodySchema,
      spec: 'ApiErrorResponse',
      options: ERROR_BODY_EXTRAS[generation],
    },
  ]),
  {
    generation: '2026',
    ours: 'userInvitationSchema',
    schema: userInvitationSchema,
    spec: 'UserInvitationDto',
  },
  {
    generation: '2026',
    ours: 'createInvitationResponseSchema',
    schema: createInvitationResponseSchema,
    spec: 'CreateInvitationResponse',
  },
  {
    generation: '2026',
    ours: 'listInvitationsResponseSchema',
    schema: listInvitationsResponseSchema,
    spec: 'ListInvitationsResponse',
  },
];

describe('response schemas: we read only what the spec declares and require only what it requires', () => {
  it.each(RESPONSE_CASES)('$generation: $ours against $spec', ({ generation, schema, spec, options }) => {
    expect(compareWithSpec('response', schema, loadSpec(generation), spec, options)).toEqual([]);
  });

  it('reports drift: a renamed field, a field the spec leaves optional, a null we would reject', () => {
    const doc = loadSpec('2026');
    const drifted = z.object({
      user_id: z.string(),
      role: z.string(),
      apartments: z.array(z.string()),
      user_email: z.string(),
    });
    expect(compareWithSpec('response', drifted, doc, 'BuildingUserResponse')).toEqual([
      'BuildingUserResponse.apartments: we read it, the spec does not declare it',
      'BuildingUserResponse.user_email: the spec allows null, we reject it',
      'BuildingUserResponse.user_email: we require it, the spec does not (a valid response without it would be rejected)',
    ]);
  });
});

// ---- 4. real traffic through the client, and the simulator's answers ----

const authHeaders = (generation: ApiGeneration, key: string): Record<string, string> =>
  generation === '2026' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };

async function startSimulator(generation: ApiGeneration) {
  // The default 60 s resend cooldown would answer the resend with 429.
  const sim = await testSimulator({ generation, invitations: { resendCooldownMs: 0 } });
  cleanup.push(() => sim.close());
  return sim;
}

describe.each(API_GENERATIONS)('real traffic against the %s simulator', (generation) => {
  const doc = loadSpec(generation);
  const spec = specValidator(generation);
  const invitations = GENERATIONS[generation].hasOrgInvitations;

  /** Drives every client call the sync uses, through a proxy that records the headers sent. */
  async function driveClient() {
    const sim = await startSimulator(generation);
    const proxy = await startRecordingProxy(sim.origin);
    cleanup.push(() => proxy.close());
    const client = clientFor(sim, { baseUrl: `${proxy.origin}/api/v1` });
    cleanup.push(() => client.close());

    await client.addBuildingUser(MAPLE_COURT, { userId: GINA, role: residentRole(MAPLE_COURT) });
    await client.listBuildingUsers(MAPLE_COURT);
    await client.removeBuildingUser(MAPLE_COURT, EVE);
    await client.findUsersByEmail('ana.gomez@example.com');
    await client.getUser(ANA);
    await client.listIntegrations({ providerType: 'virtual_access', q: 'maple' });
    await client.getIntegration(MAPLE_COURT);
    if (invitations) {
      const { invitation } = await client.createInvitation({
        email: 'new.resident@example.com',
        siteAccess: { integrationId: MAPLE_COURT, role: residentRole(MAPLE_COURT) },
        defaultRoles: [],
      });
      await client.listInvitations();
      await client.resendInvitation(invitation.id);
      await client.cancelInvitation(invitation.id);
    }
    return { sim, proxy };
  }

  it('every request the client sends is a declared operation, with declared query parameters, a body valid against the spec and a declared answer status', async () => {
    const { sim } = await driveClient();
    const problems: string[] = [];
    const operationIds: string[] = [];
    for (const req of sim.requests.since()) {
      const where = `${req.method} ${req.path}`;
      const match = matchOperation(doc, req.method, req.path.replace(/^\/api\/v1/, ''));
      if (!match) {
        problems.push(`${where}: no such operation in the ${generation} document`);
        continue;
      }
      const { op } = match;
      operationIds.push(op.operationId ?? match.template);
      if (!(String(req.status) in op.responses))
        problems.push(`${where}: answered ${req.status}, not a declared status`);

      const query = declaredParams(doc, op).filter((p) => p.in === 'query');
      const sent = new Set(new URLSearchParams(req.query).keys());
      for (const name of sent) {
        if (!query.some((p) => p.name === name))
          problems.push(`${where}: query parameter ${name} is not declared`);
      }
      // Only plain required parameters are demanded. The 2025 document marks the properties of the
      // `output_options` object parameter of list_integrations (include_deleted, only_deleted,
      // include_metadata) required, the 2026 one optional (openapp-api.md §3); the client sends none.
      for (const p of query) {
        if (p.required && !p.via && !sent.has(p.name))
          problems.push(`${where}: required query parameter ${p.name} not sent`);
      }

      const bodySchema = requestBodySchema(op);
      if (bodySchema) problems.push(...spec.problems(bodySchema, req.body).map((p) => `${where} body: ${p}`));
      else if (req.body !== undefined) problems.push(`${where}: sent a body, the operation takes none`);
    }
    expect(problems).toEqual([]);
    // Every route of the table was exercised, and nothing else.
    expect([...new Set(operationIds)].sort()).toEqual(
      expectedRoutes(generation)
        .map((r) => r.operationId)
        .sort(),
    );
  });

  it('sends the auth header of the security scheme, and X-Org exactly where the spec declares it', async () => {
    const { sim, proxy } = await driveClient();
    const expectedAuth = authHeadersFromSpec(generation, sim.key);
    const problems: string[] = [];
    for (const req of proxy.seen) {
      const where = `${req.method} ${req.path}`;
      const match = matchOperation(doc, req.method, req.path.replace(/^\/api\/v1/, ''));
      if (!match) continue; // reported by the test above
      for (const [name, value] of Object.entries(expectedAuth)) {
        if (req.headers[name] !== value) problems.push(`${where}: ${name} header missing or wrong`);
      }
      if (generation === '2026' && req.headers.authorization !== undefined) {
        problems.push(`${where}: sends Authorization, which 2026 reserves for JWTs`);
      }
      const declaresXOrg = declaredParams(doc, match.op).some(
        (p) => p.in === 'header' && p.name.toLowerCase() === 'x-org',
      );
      const sendsXOrg = req.headers['x-org'] !== undefined;
      if (declaresXOrg && req.headers['x-org'] !== ORG_ID)
        problems.push(`${where}: X-Org is declared, the client does not send it`);
      if (!declaresXOrg && sendsXOrg)
        problems.push(`${where}: sends X-Org, the operation does not declare it`);
    }
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("the simulator's answers validate against the spec response schemas", async () => {
    const sim = await startSimulator(generation);
    const headers = { ...authHeaders(generation, sim.key), 'x-org': ORG_ID };
    const api = (path: string) => `/api/v1${path}`;
    const paginated = (item: string): Schema => ({
      type: 'object',
      required: ['items', 'total'],
      properties: {
        items: { type: 'array', items: { $ref: spec.ref(item) } },
        total: { $ref: `${spec.ref('PaginatedResponse')}/properties/total` },
      },
    });

    interface Probe {
      what: string;
      method: 'GET' | 'POST' | 'DELETE';
      path: string;
      status: number;
      /** Replaces the declared schema where the route declares none or a generic one (see the row). */
      schema?: Schema;
    }
    const people = `/integrations/${MAPLE_COURT}/${collection(generation)}`;
    const probes: Probe[] = [
      // §4: the list route declares no schema; the body is a bare array of BuildingUserResponse.
      {
        what: 'list building users',
        method: 'GET',
        path: people,
        status: 200,
        schema: { type: 'array', items: { $ref: spec.ref('BuildingUserResponse') } },
      },
      { what: 'search users', method: 'GET', path: '/users/search?q=example&limit=2&offset=1', status: 200 },
      { what: 'get user', method: 'GET', path: `/users/${ANA}`, status: 200 },
      // §3: PaginatedResponse types its items as UserResponse everywhere; here they are integrations.
      {
        what: 'list integrations',
        method: 'GET',
        path: '/integrations?limit=200&offset=0',
        status: 200,
        schema: paginated('IntegrationResponse'),
      },
      { what: 'get integration', method: 'GET', path: `/integrations/${MAPLE_COURT}`, status: 200 },
      { what: 'unknown integration', method: 'GET', path: `/integrations/${UNKNOWN_ID}`, status: 404 },
      { what: 'unknown user', method: 'GET', path: `/users/${UNKNOWN_ID}`, status: 404 },
      { what: 'page size over the maximum', method: 'GET', path: '/users/search?q=a&limit=500', status: 400 },
    ];
    for (const probe of probes) {
      const res = await simFetch(sim, api(probe.path), { method: probe.method, headers });
      expect(res.status, probe.what).toBe(probe.status);
      expect(validateAnswer(probe, res.body), probe.what).toEqual([]);
    }

    if (!invitations) return;
    const invitationsPath = `/orgs/${ORG_ID}/invitations`;
    const created = await simFetch(sim, api(invitationsPath), {
      method: 'POST',
      headers,
      json: {
        email: 'new.resident@example.com',
        site_access: { integration_id: MAPLE_COURT, role: residentRole(MAPLE_COURT) },
      },
    });
    expect(created.status).toBe(201);
    expect(
      validateAnswer(
        { what: 'create invitation', method: 'POST', path: invitationsPath, status: 201 },
        created.body,
      ),
    ).toEqual([]);
    const id = (created.body as { invitation: { id: string } }).invitation.id;
    const invitationProbes: Probe[] = [
      { what: 'list invitations', method: 'GET', path: invitationsPath, status: 200 },
      { what: 'resend invitation', method: 'POST', path: `${invitationsPath}/${id}/resend`, status: 200 },
      { what: 'cancel invitation', method: 'DELETE', path: `${invitationsPath}/${id}`, status: 204 },
      { what: 'list after cancel', method: 'GET', path: invitationsPath, status: 200 },
      // The spec declares no body for these errors; the simulator answers with ApiErrorResponse.
      {
        what: 'cancel again',
        method: 'DELETE',
        path: `${invitationsPath}/${id}`,
        status: 422,
        schema: { $ref: spec.ref('ApiErrorResponse') },
      },
      {
        what: 'resend unknown',
        method: 'POST',
        path: `${invitationsPath}/${UNKNOWN_ID}/resend`,
        status: 404,
        schema: { $ref: spec.ref('ApiErrorResponse') },
      },
    ];
    for (const probe of invitationProbes) {
      const res = await simFetch(sim, api(probe.path), { method: probe.method, headers });
      expect(res.status, probe.what).toBe(probe.status);
      expect(validateAnswer(probe, res.body), probe.what).toEqual([]);
    }
  });

  /** Problems of one answer: its status must be declared, and its body valid against the schema. */
  function validateAnswer(
    probe: { what: string; method: string; path: string; status: number; schema?: Schema },
    body: unknown,
  ): string[] {
    const match = matchOperation(doc, probe.method, probe.path.split('?')[0]!);
    if (!match) return [`${probe.method} ${probe.path}: no such operation`];
    if (!(String(probe.status) in match.op.responses))
      return [`${match.op.operationId} does not declare ${probe.status}`];
    const schema = probe.schema ?? responseSchema(match.op, probe.status);
    if (!schema)
      return probe.status === 204 && body === undefined
        ? []
        : [`${match.op.operationId} ${probe.status}: no schema to check the body against`];
    return spec.problems(schema, body);
  }
});
