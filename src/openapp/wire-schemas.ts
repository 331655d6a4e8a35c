/**
 * The OpenApp wire format, as zod schemas: what pms-sync sends and what it accepts back.
 *
 * One source of truth for three users: the client parses responses with the response schemas
 * (unknown fields are stripped, a missing required field is an error), the simulator validates
 * request bodies with the strict request schemas (unknown fields are a 400, as the 2026 document
 * says), and the contract test compares both against the OpenAPI documents in ../shared/openapp/.
 */
import { z } from 'zod';

/**
 * The spec declares `{ value: { <locale>: text } }`, its own descriptions say the wire form is a
 * plain locale map, and inputs also take a plain string; real servers have been seen with all three.
 */
export const localizedStringSchema = z.union([
  z.string(),
  z.object({ value: z.record(z.string(), z.string()) }),
  z.record(z.string(), z.string()),
]);
export type LocalizedStringWire = z.infer<typeof localizedStringSchema>;

export const apiErrorBodySchema = z.object({
  message: z.string(),
  error_code: z.string().nullish(),
  // The public docs call the stable code `code`; the spec calls it `error_code`. Read both.
  code: z.string().nullish(),
  correlationId: z.string().nullish(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

// ---- building users (2025: /building-users with `apartments`; 2026: /people with `listings`) ----

export const addBuildingUserRequestSchema = z.strictObject({
  user_id: z.string().min(1),
  role: z.string().min(1),
});
export type AddBuildingUserRequest = z.infer<typeof addBuildingUserRequestSchema>;

const buildingUserCommon = {
  user_id: z.string().min(1),
  role: z.string().min(1),
  user_email: z.string().nullish(),
  // Untyped in both documents: a plain string or a localized string.
  user_name: z.unknown().optional(),
};
export const buildingUser2025Schema = z.object({ ...buildingUserCommon, apartments: z.array(z.string()) });
export const buildingUser2026Schema = z.object({ ...buildingUserCommon, listings: z.array(z.string()) });
export const buildingUserList2025Schema = z.array(buildingUser2025Schema);
export const buildingUserList2026Schema = z.array(buildingUser2026Schema);

/**
 * A fast check that a parsed list body is well formed, at least as strict as the list schemas: a
 * large organisation's nightly listing is hundreds of thousands of users, and the schema copies
 * every one of them. A body this refuses still goes through the schema, whose messages say what
 * is wrong (test/unit/wire-schemas.test.ts holds the two to agreeing).
 */
export function isBuildingUserList(data: unknown, unitsKey: 'apartments' | 'listings'): boolean {
  if (!Array.isArray(data)) return false;
  for (const item of data as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
    const u = item as Record<string, unknown>;
    if (typeof u.user_id !== 'string' || u.user_id.length === 0) return false;
    if (typeof u.role !== 'string' || u.role.length === 0) return false;
    if (u.user_email !== undefined && u.user_email !== null && typeof u.user_email !== 'string') return false;
    const units = u[unitsKey];
    if (!Array.isArray(units)) return false;
    for (const unit of units as unknown[]) if (typeof unit !== 'string') return false;
  }
  return true;
}

// ---- users ----

const userCommon = {
  id: z.string().min(1),
  name: localizedStringSchema,
  email: z.string(),
  roles: z.record(z.string(), z.array(z.string())),
};
/** 2025 `UserResponse`: no phone. */
export const user2025Schema = z.object(userCommon);
/** 2026 `UserResponse` adds the verified phone and whether the email is a placeholder. */
export const user2026Schema = z.object({
  ...userCommon,
  phone: z.string().nullish(),
  email_is_synthetic: z.boolean().optional(),
});
export type UserWire = z.infer<typeof user2026Schema>;

export function paginatedSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().nonnegative() });
}
export const userPage2025Schema = paginatedSchema(user2025Schema);
export const userPage2026Schema = paginatedSchema(user2026Schema);

// ---- integrations ----

export const integrationSchema = z.object({
  id: z.string().min(1),
  org_id: z.string().min(1),
  provider_type: z.string(),
  name: localizedStringSchema,
  enabled: z.boolean(),
  health: z.string(),
  provider_type_name: localizedStringSchema.optional(),
});
export type IntegrationWire = z.infer<typeof integrationSchema>;
export const integrationPageSchema = paginatedSchema(integrationSchema);

// ---- org invitations (2026 document only) ----

export const invitationSiteAccessSchema = z.object({
  integration_id: z.string().min(1),
  role: z.string().min(1),
  listing: z.object({ entity_id: z.string().min(1), role: z.string().min(1) }).nullish(),
});

export const createInvitationRequestSchema = z.strictObject({
  email: z.string().nullish(),
  phone: z.string().nullish(),
  default_roles: z.array(z.string()).optional(),
  site_access: invitationSiteAccessSchema.nullish(),
});
export type CreateInvitationRequest = z.infer<typeof createInvitationRequestSchema>;

export const userInvitationSchema = z.object({
  id: z.string().min(1),
  org_id: z.string().min(1),
  channel: z.string(),
  // Not enumerated by the document; the simulator uses pending / accepted / expired / cancelled.
  status: z.string(),
  default_roles: z.array(z.string()),
  expires_at: z.string(),
  sent_count: z.number().int(),
  invited_by_user_id: z.string(),
  created_at: z.string(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  last_sent_at: z.string().nullish(),
  accepted_user_id: z.string().nullish(),
  site_access: invitationSiteAccessSchema.nullish(),
});
export type UserInvitationWire = z.infer<typeof userInvitationSchema>;

export const createInvitationResponseSchema = z.object({
  invitation: userInvitationSchema,
  redeem_url: z.string(),
});
export const listInvitationsResponseSchema = z.object({ invitations: z.array(userInvitationSchema) });

export const redeemInvitationRequestSchema = z.strictObject({
  token: z.string().min(1),
  pin: z.string().min(1),
});
export const redeemInvitationResponseSchema = z.object({
  org_id: z.string(),
  user_id: z.string(),
  default_roles: z.array(z.string()),
});
