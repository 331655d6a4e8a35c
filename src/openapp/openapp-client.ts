/**
 * The typed OpenApp client: the only code in pms-sync that knows OpenApp's routes. It hides the
 * differences between API generations and returns the shapes in openapp-types.ts.
 */
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { GENERATIONS, type ApiGeneration, type GenerationTraits } from './api-generation.js';
import { HttpTransport, type CallOptions } from './http-transport.js';
import { displayText, localizedMatches, localizedTexts } from './localized-string.js';
import { OpenAppError, UnsupportedByGenerationError } from './openapp-error.js';
import type { BuildingUser, Integration, OpenAppUser, OrgInvitation, SiteAccess } from './openapp-types.js';
import {
  buildingUserList2025Schema,
  buildingUserList2026Schema,
  isBuildingUserList,
  createInvitationResponseSchema,
  integrationPageSchema,
  integrationSchema,
  listInvitationsResponseSchema,
  user2025Schema,
  user2026Schema,
  userInvitationSchema,
  userPage2025Schema,
  userPage2026Schema,
  type AddBuildingUserRequest,
  type CreateInvitationRequest,
  type IntegrationWire,
  type UserInvitationWire,
  type UserWire,
} from './wire-schemas.js';

/** The documented maximum page size. */
const PAGE_LIMIT = 200;

export interface OpenAppClientOptions {
  baseUrl: string;
  apiKey: string;
  orgId: string;
  generation: ApiGeneration;
  logger?: Logger;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  retryBudgetMs?: number;
  concurrency?: number;
  /** Requests per second at most, spread evenly (0 or absent: no limit). */
  ratePerSecond?: number;
  random?: () => number;
  onAttempt?: (info: { operation: string; status: number; durationMs: number }) => void;
}

export type RemoveOutcome = 'removed' | 'already_absent';

export interface CreateInvitationInput {
  email?: string;
  phone?: string;
  siteAccess: SiteAccess;
  defaultRoles?: string[];
}

const enc = encodeURIComponent;

export class OpenAppClient {
  readonly generation: ApiGeneration;
  private readonly traits: GenerationTraits;
  private readonly transport: HttpTransport;
  private readonly orgId: string;

  constructor(options: OpenAppClientOptions) {
    this.generation = options.generation;
    this.traits = GENERATIONS[options.generation];
    this.orgId = options.orgId;
    this.transport = new HttpTransport({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      authHeaders: this.traits.authHeaders(options.apiKey),
      orgId: options.orgId,
      logger: options.logger ?? silentLogger(),
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 250,
      retryCapMs: options.retryCapMs ?? 8_000,
      retryBudgetMs: options.retryBudgetMs ?? 30_000,
      concurrency: options.concurrency ?? 8,
      ratePerSecond: options.ratePerSecond ?? 0,
      ...(options.random ? { random: options.random } : {}),
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  // ---- building users ----

  private buildingUsersPath(integrationId: string): string {
    return `/integrations/${enc(integrationId)}/${this.traits.buildingUsersSegment}`;
  }

  /** Every user holding a role on the integration (the list is not paginated). */
  async listBuildingUsers(integrationId: string, options?: CallOptions): Promise<BuildingUser[]> {
    const path = this.buildingUsersPath(integrationId);
    const spec = {
      operation: 'listBuildingUsers',
      method: 'GET',
      path,
      orgScoped: true,
      idempotent: true,
    } as const;
    if (this.generation === '2025') {
      const { data } = await this.transport.call(
        {
          ...spec,
          responseSchema: buildingUserList2025Schema,
          wellFormed: (json) => isBuildingUserList(json, 'apartments'),
        },
        options,
      );
      const roles = new RoleStrings();
      return (data ?? []).map((u) => toBuildingUser(u, u.apartments, roles));
    }
    const { data } = await this.transport.call(
      {
        ...spec,
        responseSchema: buildingUserList2026Schema,
        wellFormed: (json) => isBuildingUserList(json, 'listings'),
      },
      options,
    );
    const roles = new RoleStrings();
    return (data ?? []).map((u) => toBuildingUser(u, u.listings, roles));
  }

  /** Grants the role. OpenApp upserts, so repeating an add is harmless. */
  async addBuildingUser(
    integrationId: string,
    user: { userId: string; role: string },
    options?: CallOptions,
  ): Promise<void> {
    const body: AddBuildingUserRequest = { user_id: user.userId, role: user.role };
    await this.transport.call(
      {
        operation: 'addBuildingUser',
        method: 'POST',
        path: this.buildingUsersPath(integrationId),
        body,
        orgScoped: true,
        idempotent: true,
      },
      options,
    );
  }

  /** Removes the user's roles on the integration; a 404 means there was nothing to remove. */
  async removeBuildingUser(
    integrationId: string,
    userId: string,
    options?: CallOptions,
  ): Promise<RemoveOutcome> {
    const { status } = await this.transport.call(
      {
        operation: 'removeBuildingUser',
        method: 'DELETE',
        path: `${this.buildingUsersPath(integrationId)}/${enc(userId)}`,
        orgScoped: true,
        idempotent: true,
        acceptStatuses: [404],
      },
      options,
    );
    return status === 404 ? 'already_absent' : 'removed';
  }

  // ---- users ----

  /**
   * Users whose email is exactly `email` (trimmed, case-insensitive). The search route matches
   * substrings of names and emails, so every page is read and filtered here.
   */
  async findUsersByEmail(email: string, options?: CallOptions): Promise<OpenAppUser[]> {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    const users = await this.readAllPages((offset) =>
      this.transport.call(
        {
          operation: 'searchUsers',
          method: 'GET',
          path: '/users/search',
          query: { q: wanted, limit: PAGE_LIMIT, offset },
          orgScoped: false,
          idempotent: true,
          responseSchema: this.generation === '2025' ? userPage2025Schema : userPage2026Schema,
        },
        options,
      ),
    );
    return users.filter((u) => u.email.trim().toLowerCase() === wanted).map(toUser);
  }

  async getUser(userId: string, options?: CallOptions): Promise<OpenAppUser> {
    const { data } = await this.transport.call(
      {
        operation: 'getUser',
        method: 'GET',
        path: `/users/${enc(userId)}`,
        orgScoped: true,
        idempotent: true,
        responseSchema: this.generation === '2025' ? user2025Schema : user2026Schema,
      },
      options,
    );
    return toUser(data as UserWire);
  }

  // ---- integrations ----

  async listIntegrations(
    filter: { providerType?: string; q?: string } = {},
    options?: CallOptions,
  ): Promise<Integration[]> {
    const items = await this.readAllPages((offset) =>
      this.transport.call(
        {
          operation: 'listIntegrations',
          method: 'GET',
          path: '/integrations',
          query: { limit: PAGE_LIMIT, offset, provider_type: filter.providerType, q: filter.q },
          orgScoped: true,
          idempotent: true,
          responseSchema: integrationPageSchema,
        },
        options,
      ),
    );
    return items.map(toIntegration);
  }

  async getIntegration(integrationId: string, options?: CallOptions): Promise<Integration> {
    const { data } = await this.transport.call(
      {
        operation: 'getIntegration',
        method: 'GET',
        path: `/integrations/${enc(integrationId)}`,
        orgScoped: true,
        idempotent: true,
        responseSchema: integrationSchema,
      },
      options,
    );
    return toIntegration(data as IntegrationWire);
  }

  /**
   * The integration whose name, in any locale, is `name` (case-insensitive). Names are not unique:
   * several matches is an error that lists their ids, so the operator can pick one.
   */
  async resolveIntegrationByName(
    name: string,
    filter: { providerType?: string } = { providerType: 'virtual_access' },
    options?: CallOptions,
  ): Promise<Integration> {
    const candidates = await this.listIntegrations(filter, options);
    const matches = candidates.filter((i) => i.names.some((n) => localizedMatches(n, name)));
    if (matches.length === 1) return matches[0] as Integration;
    if (matches.length === 0) {
      throw new IntegrationLookupError(`no integration is named "${name}" in org ${this.orgId}`);
    }
    throw new IntegrationLookupError(
      `${matches.length} integrations are named "${name}" (${matches.map((m) => m.id).join(', ')}); configure the integration id instead`,
    );
  }

  // ---- org invitations (2026) ----

  private invitationsPath(suffix = ''): string {
    if (!this.traits.hasOrgInvitations) {
      throw new UnsupportedByGenerationError(
        `OpenApp API generation ${this.generation} has no org invitations; set OPENAPP_API_GENERATION=2026 to send them`,
      );
    }
    return `/orgs/${enc(this.orgId)}/invitations${suffix}`;
  }

  /**
   * Sends an invitation. Not idempotent on OpenApp's side (no idempotency key on this route), so
   * it is retried only when OpenApp certainly did not act (429, connection refused); callers record
   * their intent first.
   */
  async createInvitation(
    input: CreateInvitationInput,
    options?: CallOptions,
  ): Promise<{ invitation: OrgInvitation; redeemUrl: string }> {
    const body: CreateInvitationRequest = {
      ...(input.email ? { email: input.email } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      ...(input.defaultRoles ? { default_roles: input.defaultRoles } : {}),
      site_access: { integration_id: input.siteAccess.integrationId, role: input.siteAccess.role },
    };
    const { data } = await this.transport.call(
      {
        operation: 'createInvitation',
        method: 'POST',
        path: this.invitationsPath(),
        body,
        orgScoped: false,
        idempotent: false,
        responseSchema: createInvitationResponseSchema,
      },
      options,
    );
    if (!data) throw new Error('unreachable: createInvitation returned no body');
    return { invitation: toInvitation(data.invitation), redeemUrl: data.redeem_url };
  }

  /** Every invitation of the org, whatever its status (the list is not paginated). */
  async listInvitations(options?: CallOptions): Promise<OrgInvitation[]> {
    const { data } = await this.transport.call(
      {
        operation: 'listInvitations',
        method: 'GET',
        path: this.invitationsPath(),
        orgScoped: false,
        idempotent: true,
        responseSchema: listInvitationsResponseSchema,
      },
      options,
    );
    return (data?.invitations ?? []).map(toInvitation);
  }

  /** Issues a fresh token and PIN. OpenApp answers 429 during its cooldown (see retryAfterMs). */
  async resendInvitation(invitationId: string, options?: CallOptions): Promise<OrgInvitation> {
    const { data } = await this.transport.call(
      {
        operation: 'resendInvitation',
        method: 'POST',
        path: this.invitationsPath(`/${enc(invitationId)}/resend`),
        orgScoped: false,
        idempotent: false,
        responseSchema: userInvitationSchema,
      },
      options,
    );
    return toInvitation(data as UserInvitationWire);
  }

  /** Cancels a pending invitation. OpenApp answers 422 when it was already redeemed or cancelled. */
  async cancelInvitation(invitationId: string, options?: CallOptions): Promise<void> {
    await this.transport.call(
      {
        operation: 'cancelInvitation',
        method: 'DELETE',
        path: this.invitationsPath(`/${enc(invitationId)}`),
        orgScoped: false,
        idempotent: true,
      },
      options,
    );
  }

  // ---- helpers ----

  private async readAllPages<T>(
    fetchPage: (offset: number) => Promise<{ data: { items: T[]; total: number } | undefined }>,
  ): Promise<T[]> {
    const all: T[] = [];
    for (;;) {
      const { data } = await fetchPage(all.length);
      const items = data?.items ?? [];
      all.push(...items);
      if (items.length === 0 || all.length >= (data?.total ?? 0)) return all;
    }
  }
}

export class IntegrationLookupError extends Error {
  override readonly name = 'IntegrationLookupError';
}

export function isOpenAppError(err: unknown): err is OpenAppError {
  return err instanceof OpenAppError;
}

/**
 * One string per distinct role of a list: a building's thousands of users hold a handful of roles,
 * and each parsed copy is some 70 bytes kept for as long as the list.
 */
class RoleStrings {
  private readonly seen = new Map<string, string>();
  /** The role of the previous user: usually this one's too, and comparing is cheaper than hashing. */
  private last = '';

  of(role: string): string {
    if (role === this.last) return this.last;
    let known = this.seen.get(role);
    if (known === undefined) this.seen.set(role, (known = role));
    this.last = known;
    return known;
  }
}

/**
 * Users with no units share one empty list (frozen: nobody may add to it): on the list routes most
 * residents have none, and a large organisation's listing is kept whole while it is planned.
 */
const NO_UNITS: string[] = Object.freeze([]) as unknown as string[];

function toBuildingUser(
  u: { user_id: string; role: string; user_email?: string | null | undefined; user_name?: unknown },
  units: string[],
  roles: RoleStrings,
): BuildingUser {
  return {
    userId: u.user_id,
    role: roles.of(u.role),
    units: units.length === 0 ? NO_UNITS : units,
    email: u.user_email ?? null,
    name: displayText(u.user_name),
  };
}

function toUser(u: UserWire): OpenAppUser {
  return { id: u.id, name: displayText(u.name), email: u.email, phone: u.phone ?? null, roles: u.roles };
}

function toIntegration(i: IntegrationWire): Integration {
  return {
    id: i.id,
    orgId: i.org_id,
    providerType: i.provider_type,
    name: displayText(i.name),
    names: localizedTexts(i.name),
    enabled: i.enabled,
    health: i.health,
  };
}

function toInvitation(i: UserInvitationWire): OrgInvitation {
  return {
    id: i.id,
    orgId: i.org_id,
    channel: i.channel,
    status: i.status,
    email: i.email ?? null,
    phone: i.phone ?? null,
    siteAccess: i.site_access
      ? { integrationId: i.site_access.integration_id, role: i.site_access.role }
      : null,
    defaultRoles: i.default_roles,
    expiresAt: i.expires_at,
    sentCount: i.sent_count,
    lastSentAt: i.last_sent_at ?? null,
    acceptedUserId: i.accepted_user_id ?? null,
    createdAt: i.created_at,
  };
}
