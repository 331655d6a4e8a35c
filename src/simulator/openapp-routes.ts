/**
 * The OpenApp routes pms-sync uses, served under /api/v1 for one API generation. Request bodies
 * are validated with the project's own wire schemas (strict: unknown fields are a 400).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiGeneration } from '../openapp/api-generation.js';
import { addBuildingUserRequestSchema, createInvitationRequestSchema } from '../openapp/wire-schemas.js';
import { authenticate, requireOrg, requirePathOrg, type Caller } from './sim-auth.js';
import { SimHttpError, type SimStore } from './sim-store.js';
import type { Snapshot, SnapshotInvitation } from './sim-snapshot.js';

const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? undefined);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
      .join('; ');
    throw new SimHttpError(400, `invalid request body: ${detail}`, 'validation_failed');
  }
  return parsed.data;
}

function paging(query: Query): { limit: number; offset: number } {
  const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) {
    throw new SimHttpError(400, `limit must be an integer from 0 to ${MAX_PAGE}`, 'validation_failed');
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new SimHttpError(400, 'offset must be a non-negative integer', 'validation_failed');
  }
  return { limit, offset };
}

function page<T>(all: T[], query: Query) {
  const { limit, offset } = paging(query);
  return { items: all.slice(offset, offset + limit), total: all.length };
}

export function registerOpenAppRoutes(
  app: FastifyInstance,
  getStore: () => SimStore,
  generation: ApiGeneration,
): void {
  const caller = (req: FastifyRequest): Caller => authenticate(getStore(), generation, req.headers);
  const orgScoped = (req: FastifyRequest) => {
    const who = caller(req);
    return { who, orgId: requireOrg(who, req.headers) };
  };

  const userJson = (u: Snapshot['users'][number], orgId: string) => ({
    id: u.id,
    name: { en: u.name },
    email: u.email,
    ...(generation === '2026'
      ? { phone: u.phone ?? null, email_is_synthetic: u.email.endsWith('.invalid') }
      : {}),
    roles: { [orgId]: u.roles[orgId] ?? [] },
  });
  const integrationJson = (i: Snapshot['integrations'][number]) => ({
    id: i.id,
    org_id: i.org_id,
    provider_type: i.provider_type,
    name: typeof i.name === 'string' ? { en: i.name } : i.name,
    enabled: i.enabled,
    health: i.health,
    provider_type_name: { en: i.provider_type === 'virtual_access' ? 'Virtual Access' : i.provider_type },
  });

  // ---- building users: /building-users (2025) or /people (2026) ----
  const segment = generation === '2025' ? 'building-users' : 'people';
  const unitsField = generation === '2025' ? 'apartments' : 'listings';

  app.get(`/api/v1/integrations/:id/${segment}`, async (req) => {
    const { orgId } = orgScoped(req);
    const { id } = req.params as Params;
    return getStore()
      .listBuildingUsers(id as string, orgId)
      .map((row) => ({
        user_id: row.user.id,
        role: row.role,
        [unitsField]: row.apartments,
        user_email: row.user.email,
        user_name: row.user.name,
      }));
  });

  app.post(`/api/v1/integrations/:id/${segment}`, async (req, reply) => {
    const { orgId } = orgScoped(req);
    const body = parseBody(addBuildingUserRequestSchema, req.body);
    getStore().addBuildingUser((req.params as Params).id as string, orgId, body.user_id, body.role);
    return reply.code(201).send();
  });

  app.delete(`/api/v1/integrations/:id/${segment}/:userId`, async (req, reply) => {
    const { orgId } = orgScoped(req);
    const { id, userId } = req.params as Params;
    getStore().removeBuildingUser(id as string, orgId, userId as string);
    return reply.code(204).send();
  });

  // ---- users ----
  app.get('/api/v1/users/search', async (req) => {
    const who = caller(req);
    const query = req.query as Query;
    const found = getStore().searchUsers(query.q ?? '');
    const result = page(found, query);
    return { items: result.items.map((u) => userJson(u, who.orgId)), total: result.total };
  });

  app.get('/api/v1/users/:id', async (req) => {
    const { orgId } = orgScoped(req);
    const user = getStore().users.get((req.params as Params).id as string);
    if (!user) throw new SimHttpError(404, 'user not found', 'user_not_found');
    return userJson(user, orgId);
  });

  // ---- integrations ----
  app.get('/api/v1/integrations', async (req) => {
    const { orgId } = orgScoped(req);
    const query = req.query as Query;
    const q = query.q?.trim().toLowerCase();
    const matching = [...getStore().integrations.values()].filter((i) => {
      if (i.org_id !== orgId) return false;
      if (query.provider_type && i.provider_type !== query.provider_type) return false;
      if (!q) return true;
      const names = typeof i.name === 'string' ? [i.name] : Object.values(i.name);
      return names.some((n) => n.toLowerCase().includes(q));
    });
    const result = page(matching, query);
    return { items: result.items.map(integrationJson), total: result.total };
  });

  app.get('/api/v1/integrations/:id', async (req) => {
    const { orgId } = orgScoped(req);
    return integrationJson(getStore().integrationInOrg((req.params as Params).id as string, orgId));
  });

  // ---- org invitations: only in the 2026 generation ----
  if (generation !== '2026') return;

  const invitationJson = (inv: SnapshotInvitation) => ({
    id: inv.id,
    org_id: inv.org_id,
    channel: inv.channel,
    status: getStore().invitationStatus(inv),
    email: inv.email,
    phone: inv.phone,
    site_access: inv.site_access,
    default_roles: inv.default_roles,
    expires_at: inv.expires_at,
    sent_count: inv.sent_count,
    last_sent_at: inv.last_sent_at,
    accepted_user_id: inv.accepted_user_id,
    invited_by_user_id: inv.invited_by_user_id,
    created_at: inv.created_at,
  });

  app.post('/api/v1/orgs/:orgId/invitations', async (req, reply) => {
    const who = caller(req);
    const orgId = requirePathOrg(who, (req.params as Params).orgId as string);
    const body = parseBody(createInvitationRequestSchema, req.body);
    const inv = getStore().createInvitation(orgId, who.userId, body);
    return reply.code(201).send({
      invitation: invitationJson(inv),
      redeem_url: `${req.protocol}://${req.host}/invite/${inv.token}`,
    });
  });

  app.get('/api/v1/orgs/:orgId/invitations', async (req) => {
    const orgId = requirePathOrg(caller(req), (req.params as Params).orgId as string);
    return { invitations: getStore().listInvitations(orgId).map(invitationJson) };
  });

  app.post('/api/v1/orgs/:orgId/invitations/:invitationId/resend', async (req) => {
    const { orgId: pathOrg, invitationId } = req.params as Params;
    const orgId = requirePathOrg(caller(req), pathOrg as string);
    return invitationJson(getStore().resendInvitation(orgId, invitationId as string));
  });

  app.delete('/api/v1/orgs/:orgId/invitations/:invitationId', async (req, reply) => {
    const { orgId: pathOrg, invitationId } = req.params as Params;
    const orgId = requirePathOrg(caller(req), pathOrg as string);
    getStore().cancelInvitation(orgId, invitationId as string);
    return reply.code(204).send();
  });
}
