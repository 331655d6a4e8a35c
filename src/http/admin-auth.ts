import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the admin token in constant time: both sides are
 * hashed first, so neither the token's length nor its content leaks through timing.
 */
export function isAdmin(authorization: string | undefined, adminToken: string): boolean {
  const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  const presented = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(adminToken).digest();
  return timingSafeEqual(presented, expected) && m !== null;
}
