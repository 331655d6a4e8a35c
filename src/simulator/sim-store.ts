/**
 * The simulator's state and the OpenApp rules that act on it: building roles, users, integrations
 * and org invitations with their lifecycle. HTTP-free, so the rules read as plain code; the routes
 * translate requests into these calls and SimHttpError into ApiErrorResponse bodies.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Snapshot, SnapshotInvitation } from './sim-snapshot.js';
import type { SimClock } from './sim-clock.js';
import { UserSearchIndex } from './user-search-index.js';

const newId = monotonicFactory();

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface InvitationSettings {
  ttlMs: number;
  resendCooldownMs: number;
}

type User = Snapshot['users'][number];
type Integration = Snapshot['integrations'][number];
type Invitation = SnapshotInvitation;

/** Status as OpenApp reports it: a pending invitation past its expiry reads as expired. */
export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'cancelled';

export function integrationRolePrefix(integrationId: string): string {
  return `virtual_access:integration:${integrationId}:`;
}

export class SimStore {
  readonly orgs: Map<string, Snapshot['orgs'][number]>;
  readonly apiKeys: Map<string, Snapshot['api_keys'][number]>;
  readonly integrations: Map<string, Integration>;
  readonly users: Map<string, User>;
  readonly invitations: Map<string, Invitation>;
  /** integrationId -> userId -> apartment ids (nested: listing a large building builds no key per user). */
  private readonly apartments = new Map<string, Map<string, string[]>>();
  /**
   * integrationId -> the users holding one of its roles, by id (kept in step with user.roles).
   * The users themselves, not only their ids: listing a large building looks nobody up.
   */
  private readonly members = new Map<string, Map<string, User>>();
  /** Bumped on every change, so a saver knows when to write. */
  version = 0;
  private readonly searchIndex: UserSearchIndex;

  constructor(
    snapshot: Snapshot,
    readonly clock: SimClock,
    readonly settings: InvitationSettings,
  ) {
    this.orgs = new Map(snapshot.orgs.map((o) => [o.id, { ...o }]));
    this.apiKeys = new Map(snapshot.api_keys.map((k) => [k.secret, { ...k }]));
    this.integrations = new Map(snapshot.integrations.map((i) => [i.id, { ...i }]));
    this.users = new Map(snapshot.users.map((u) => [u.id, structuredClone(u)]));
    this.searchIndex = new UserSearchIndex(this.users.values());
    this.invitations = new Map(snapshot.invitations.map((i) => [i.id, structuredClone(i)]));
    clock.offsetMs = snapshot.clock_offset_ms;
    for (const user of this.users.values()) this.indexUser(user);
    for (const b of snapshot.building_users) {
      const integration = this.integrations.get(b.integration_id);
      const user = this.users.get(b.user_id);
      if (!integration || !user) continue; // parseSnapshot already reported these
      this.grantRole(user, integration, b.role);
      if (b.apartments.length > 0) {
        let byUser = this.apartments.get(integration.id);
        if (byUser === undefined) this.apartments.set(integration.id, (byUser = new Map()));
        byUser.set(user.id, [...b.apartments]);
      }
    }
  }

  private touch(): void {
    this.version++;
  }

  private indexUser(user: User): void {
    for (const roles of Object.values(user.roles)) {
      for (const role of roles) {
        const m = /^virtual_access:integration:([^:]+):/.exec(role);
        if (m?.[1]) this.membersOf(m[1]).set(user.id, user);
      }
    }
  }

  private membersOf(integrationId: string): Map<string, User> {
    let members = this.members.get(integrationId);
    if (!members) this.members.set(integrationId, (members = new Map()));
    return members;
  }

  private grantRole(user: User, integration: Integration, role: string): void {
    const roles = (user.roles[integration.org_id] ??= []);
    if (!roles.includes(role)) roles.push(role);
    this.membersOf(integration.id).set(user.id, user);
  }

  // ---- lookups that enforce org scoping ----

  integrationInOrg(integrationId: string, orgId: string): Integration {
    const integration = this.integrations.get(integrationId);
    // Another org's integration is reported as missing, not forbidden: ids do not leak across orgs.
    if (!integration || integration.org_id !== orgId) {
      throw new SimHttpError(404, `integration ${integrationId} not found`, 'integration_not_found');
    }
    return integration;
  }

  // ---- building users ----

  listBuildingUsers(integrationId: string, orgId: string) {
    const integration = this.integrationInOrg(integrationId, orgId);
    const prefix = integrationRolePrefix(integration.id);
    const rows: { user: User; role: string; apartments: string[] }[] = [];
    const apartments = this.apartments.get(integration.id);
    for (const user of this.members.get(integration.id)?.values() ?? []) {
      for (const role of user.roles[integration.org_id] ?? []) {
        if (role.startsWith(prefix)) {
          rows.push({ user, role, apartments: apartments?.get(user.id) ?? [] });
        }
      }
    }
    return rows;
  }

  /** "adds org role; creates membership if missing": an upsert, 201 every time. */
  addBuildingUser(integrationId: string, orgId: string, userId: string, role: string): void {
    const integration = this.integrationInOrg(integrationId, orgId);
    const user = this.users.get(userId);
    if (!user) throw new SimHttpError(404, `user ${userId} not found`, 'user_not_found');
    const prefix = integrationRolePrefix(integration.id);
    if (!role.startsWith(prefix)) {
      throw new SimHttpError(
        400,
        `role must be one of this integration's roles ("${prefix}…")`,
        'invalid_role',
      );
    }
    this.grantRole(user, integration, role);
    this.touch();
  }

  /** "removes org roles and apartment assignments"; 404 when the user holds none. */
  removeBuildingUser(integrationId: string, orgId: string, userId: string): void {
    const integration = this.integrationInOrg(integrationId, orgId);
    const user = this.users.get(userId);
    const prefix = integrationRolePrefix(integration.id);
    const roles = user?.roles[integration.org_id] ?? [];
    if (!user || !roles.some((r) => r.startsWith(prefix))) {
      throw new SimHttpError(
        404,
        `user ${userId} is not a user of integration ${integrationId}`,
        'user_not_found',
      );
    }
    user.roles[integration.org_id] = roles.filter((r) => !r.startsWith(prefix));
    this.apartments.get(integration.id)?.delete(user.id);
    this.members.get(integration.id)?.delete(user.id);
    this.touch();
  }

  // ---- users ----

  /** Case-insensitive substring match on name and email, like the real ILIKE search. */
  searchUsers(q: string): User[] {
    return this.searchIndex.search(q);
  }

  // ---- org invitations ----

  invitationStatus(inv: Invitation): InvitationStatus {
    if (inv.status === 'pending' && Date.parse(inv.expires_at) <= this.clock.now()) return 'expired';
    return inv.status;
  }

  createInvitation(
    orgId: string,
    invitedBy: string,
    body: {
      email?: string | null | undefined;
      phone?: string | null | undefined;
      default_roles?: string[] | undefined;
      site_access?: { integration_id: string; role: string } | null | undefined;
    },
  ): Invitation {
    const email = body.email?.trim() || null;
    const phone = body.phone?.trim() || null;
    if (!email && !phone) {
      throw new SimHttpError(400, 'an invitation needs an email or a phone', 'invitation_validation_failed');
    }
    if (phone && !/^\+[1-9]\d{6,14}$/.test(phone)) {
      throw new SimHttpError(
        400,
        'phone must be in E.164 form, e.g. +13125550100',
        'invitation_validation_failed',
      );
    }
    if (body.site_access) {
      const integration = this.integrationInOrg(body.site_access.integration_id, orgId);
      if (!body.site_access.role.startsWith(integrationRolePrefix(integration.id))) {
        throw new SimHttpError(
          400,
          "site_access.role must be one of the integration's roles",
          'invitation_validation_failed',
        );
      }
    }
    const now = this.clock.now();
    const inv: Invitation = {
      id: newId(now),
      org_id: orgId,
      channel: email && phone ? 'both' : email ? 'email' : 'sms',
      status: 'pending',
      email,
      phone,
      site_access: body.site_access ? { ...body.site_access } : null,
      default_roles: body.default_roles ?? [],
      expires_at: new Date(now + this.settings.ttlMs).toISOString(),
      sent_count: 1,
      last_sent_at: new Date(now).toISOString(),
      created_at: new Date(now).toISOString(),
      invited_by_user_id: invitedBy,
      accepted_user_id: null,
      token: randomBytes(16).toString('hex'),
      pin: String(randomInt(0, 1_000_000)).padStart(6, '0'),
    };
    this.invitations.set(inv.id, inv);
    this.touch();
    return inv;
  }

  private invitationInOrg(orgId: string, invitationId: string): Invitation {
    const inv = this.invitations.get(invitationId);
    if (!inv || inv.org_id !== orgId) {
      throw new SimHttpError(404, `invitation ${invitationId} not found`, 'invitation_not_found');
    }
    return inv;
  }

  listInvitations(orgId: string): Invitation[] {
    return [...this.invitations.values()].filter((i) => i.org_id === orgId);
  }

  /** A fresh token and PIN and a new expiry, unless inside the cooldown after the last send. */
  resendInvitation(orgId: string, invitationId: string): Invitation {
    const inv = this.invitationInOrg(orgId, invitationId);
    const status = this.invitationStatus(inv);
    if (status === 'accepted' || status === 'cancelled') {
      throw new SimHttpError(422, `invitation is ${status}; it cannot be resent`, 'invitation_revoked');
    }
    const now = this.clock.now();
    const since = inv.last_sent_at ? now - Date.parse(inv.last_sent_at) : Infinity;
    if (since < this.settings.resendCooldownMs) {
      const wait = Math.ceil((this.settings.resendCooldownMs - since) / 1000);
      throw new SimHttpError(429, `Cooldown: try again in ${wait} s`, 'invitation_rate_limited', wait);
    }
    inv.status = 'pending';
    inv.sent_count += 1;
    inv.last_sent_at = new Date(now).toISOString();
    inv.expires_at = new Date(now + this.settings.ttlMs).toISOString();
    inv.token = randomBytes(16).toString('hex');
    inv.pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.touch();
    return inv;
  }

  cancelInvitation(orgId: string, invitationId: string): void {
    const inv = this.invitationInOrg(orgId, invitationId);
    const status = this.invitationStatus(inv);
    if (status === 'accepted' || status === 'cancelled') {
      throw new SimHttpError(422, `invitation is already ${status}`, 'invitation_revoked');
    }
    inv.status = 'cancelled';
    this.touch();
  }

  /**
   * What the resident does with the PIN: the invitation is accepted, an account is found (by email
   * or phone) or created, and site_access is applied so they appear in the building's users.
   */
  redeemInvitation(invitationId: string, name?: string): { invitation: Invitation; user: User } {
    const inv = this.invitations.get(invitationId);
    if (!inv) throw new SimHttpError(404, `invitation ${invitationId} not found`, 'invitation_not_found');
    const status = this.invitationStatus(inv);
    if (status !== 'pending') throw new SimHttpError(410, `invitation is ${status}`, 'invitation_revoked');
    const email = inv.email?.toLowerCase();
    let user = [...this.users.values()].find(
      (u) => (email && u.email.toLowerCase() === email) || (inv.phone && u.phone === inv.phone),
    );
    if (!user) {
      user = {
        id: newId(this.clock.now()),
        name: name ?? inv.email ?? inv.phone ?? 'Resident',
        email: inv.email ?? `${inv.phone?.replace(/\D/g, '')}@phone.invalid`,
        phone: inv.phone,
        roles: {},
      };
      this.users.set(user.id, user);
      this.searchIndex.add(user);
    }
    const orgRoles = (user.roles[inv.org_id] ??= []);
    for (const role of inv.default_roles) if (!orgRoles.includes(role)) orgRoles.push(role);
    if (inv.site_access) {
      const integration = this.integrations.get(inv.site_access.integration_id);
      if (integration) this.grantRole(user, integration, inv.site_access.role);
    }
    inv.status = 'accepted';
    inv.accepted_user_id = user.id;
    this.touch();
    return { invitation: inv, user };
  }

  // ---- snapshot ----

  toSnapshot(): Snapshot {
    const building_users: Snapshot['building_users'] = [];
    for (const [integrationId, ids] of this.members) {
      const integration = this.integrations.get(integrationId);
      if (!integration) continue;
      for (const row of this.listBuildingUsers(integrationId, integration.org_id)) {
        if (ids.has(row.user.id)) {
          building_users.push({
            integration_id: integrationId,
            user_id: row.user.id,
            role: row.role,
            apartments: row.apartments,
          });
        }
      }
    }
    const prefixOf = (role: string) => /^virtual_access:integration:[^:]+:/.test(role);
    return {
      orgs: [...this.orgs.values()],
      api_keys: [...this.apiKeys.values()],
      integrations: [...this.integrations.values()],
      // Building roles are written once, in building_users, so a reload rebuilds the same state.
      users: [...this.users.values()].map((u) => ({
        ...u,
        roles: Object.fromEntries(
          Object.entries(u.roles).map(([org, roles]) => [org, roles.filter((r) => !prefixOf(r))]),
        ),
      })),
      building_users,
      invitations: [...this.invitations.values()],
      clock_offset_ms: this.clock.offsetMs,
    };
  }
}
