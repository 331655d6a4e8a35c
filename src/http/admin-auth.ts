import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the admin token in constant time: both sides are
 * hashed first, so neither the token's length nor its content leaks through timing.
 */
export function isAdmin(authorization: string | undefined, adminToken: string): boolean {
  const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return isAdminToken(m?.[1] ?? '', adminToken) && m !== null;
}

/** The token as typed (the console's sign-in form), checked the same way. */
export function isAdminToken(presented: string, adminToken: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const expected = createHash('sha256').update(adminToken).digest();
  return timingSafeEqual(a, expected) && presented.length > 0;
}
