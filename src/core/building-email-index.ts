/**
 * Which of a building's users has an email: what matches a resident to an OpenApp account when
 * the PMS does not carry the account's id.
 */
import type { BuildingUser } from '../openapp/openapp-types.js';

/** Emails compare trimmed and case-insensitively. */
export const normEmail = (e: string | null | undefined) => (e ? e.trim().toLowerCase() : undefined);

/**
 * Lower-cased email -> user id of each building's users (the first user with that email).
 * Remembered per `actual` map: the users searches chosen while the export is read, planSync and the
 * plan all use it, and building it for a large organisation is a noticeable part of planning.
 */
const emailIndexes = new WeakMap<object, Map<string, Map<string, string>>>();

export function buildingEmailIndex(
  actual: ReadonlyMap<string, readonly BuildingUser[]>,
): Map<string, Map<string, string>> {
  const known = emailIndexes.get(actual);
  if (known) return known;
  const index = new Map<string, Map<string, string>>();
  for (const [integrationId, users] of actual) {
    const byEmail = new Map<string, string>();
    // Last to first, so that the first user with an email is the one left: one write per user
    // instead of a lookup and a write.
    for (let k = users.length - 1; k >= 0; k--) {
      const u = users[k] as BuildingUser;
      const e = normEmail(u.email);
      if (e) byEmail.set(e, u.userId);
    }
    index.set(integrationId, byEmail);
  }
  emailIndexes.set(actual, index);
  return index;
}
