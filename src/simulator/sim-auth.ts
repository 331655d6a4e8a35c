/**
 * How the simulator authenticates a request, per API generation, the way OpenApp does:
 * 2025 takes `Authorization: Bearer <key>`; 2026 takes `X-API-Key: <key>` and refuses an API key
 * in `Authorization` (the gateway keeps that header for JWTs). Keys are matched by their secret
 * part, so a seed works whatever host and port the simulator listens on.
 */
import { createHash } from 'node:crypto';
import type { ApiGeneration } from '../openapp/api-generation.js';
import type { SimStore } from './sim-store.js';
import { SimHttpError } from './sim-store.js';

export interface Caller {
  orgId: string;
  userId: string;
  /** Identifies the key for rate limiting and the request log, without the secret. */
  keyLabel: string;
}

const SEPARATOR = '_openapp_';
/** Who a seeded key acts as when the seed names nobody. */
export const KEY_OWNER_PLACEHOLDER = '01JAPIKEY0WNER000000000000';

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function presentedKey(
  generation: ApiGeneration,
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const authorization = header(headers, 'authorization');
  if (generation === '2025') {
    const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
    return m?.[1]?.trim();
  }
  if (authorization && authorization.includes(SEPARATOR)) {
    throw new SimHttpError(401, 'API keys go in the X-API-Key header, not in Authorization', 'unauthorized');
  }
  return header(headers, 'x-api-key')?.trim();
}

export function authenticate(
  store: SimStore,
  generation: ApiGeneration,
  headers: Record<string, string | string[] | undefined>,
): Caller {
  const key = presentedKey(generation, headers);
  if (!key) {
    const where = generation === '2025' ? 'Authorization: Bearer <key>' : 'X-API-Key: <key>';
    throw new SimHttpError(401, `missing API key: send ${where}`, 'unauthorized');
  }
  const at = key.indexOf(SEPARATOR);
  const secret = at >= 0 ? key.slice(at + SEPARATOR.length) : key;
  const record = store.apiKeys.get(secret);
  if (!record) throw new SimHttpError(401, 'unknown or revoked API key', 'unauthorized');
  return {
    orgId: record.org_id,
    userId: record.user_id ?? KEY_OWNER_PLACEHOLDER,
    keyLabel: keyLabel(secret),
  };
}

/** Org-scoped routes carry X-Org; it must be the key's org. */
export function requireOrg(caller: Caller, headers: Record<string, string | string[] | undefined>): string {
  const org = header(headers, 'x-org')?.trim();
  if (!org) throw new SimHttpError(403, 'missing X-Org header: send the organisation id', 'org_required');
  if (org !== caller.orgId)
    throw new SimHttpError(403, `this API key has no access to org ${org}`, 'forbidden');
  return org;
}

/** Routes with the org in the path (`/orgs/{id}/...`). */
export function requirePathOrg(caller: Caller, orgId: string): string {
  if (orgId !== caller.orgId)
    throw new SimHttpError(403, `this API key has no access to org ${orgId}`, 'forbidden');
  return orgId;
}

/** A short stable label for a key: a hash prefix, never the secret. */
export function keyLabel(secret: string): string {
  return `key:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}
