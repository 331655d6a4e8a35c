import { createHash } from 'node:crypto';
import type { BuildingUser } from '../openapp/openapp-types.js';

/**
 * What OpenApp's users of a building looked like, as one hash: who holds which role. A held plan
 * is approved only while the fingerprint is unchanged, so approval applies exactly what was shown.
 */
export function buildingFingerprint(users: readonly BuildingUser[]): string {
  const lines = users.map((u) => `${u.userId}\u0000${u.role}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
