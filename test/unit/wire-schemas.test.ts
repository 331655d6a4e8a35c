import { describe, expect, it } from 'vitest';
import {
  buildingUserList2025Schema,
  buildingUserList2026Schema,
  isBuildingUserList,
} from '../../src/openapp/wire-schemas.js';

const user = { user_id: 'u1', role: 'virtual_access:integration:i1:resident', user_email: 'a@example.com' };

describe('isBuildingUserList: the fast check of a list body agrees with the schemas', () => {
  const cases: [string, unknown, boolean][] = [
    ['a well-formed user', { ...user, units: [] }, true],
    ['units and a localized name', { ...user, units: ['apt-1', 'apt-2'], user_name: { en: 'Ana' } }, true],
    ['a null email', { ...user, user_email: null, units: [] }, true],
    ['no email at all', { user_id: 'u1', role: 'r', units: [] }, true],
    ['fields OpenApp added later', { ...user, units: [], tenant_since: '2024' }, true],
    ['an empty user id', { ...user, user_id: '', units: [] }, false],
    ['no user id', { role: 'r', units: [] }, false],
    ['a numeric role', { ...user, role: 7, units: [] }, false],
    ['an empty role', { ...user, role: '', units: [] }, false],
    ['an email that is a number', { ...user, user_email: 42, units: [] }, false],
    ['no units list', { ...user }, false],
    ['a unit that is not text', { ...user, units: ['apt-1', 3] }, false],
    ['units as text', { ...user, units: 'apt-1' }, false],
    ['a user that is an array', [user], false],
    ['a user that is null', null, false],
  ];

  it.each(cases)('%s', (_what, item, wellFormed) => {
    for (const [unitsKey, schema] of [
      ['apartments', buildingUserList2025Schema],
      ['listings', buildingUserList2026Schema],
    ] as const) {
      const body =
        item !== null && typeof item === 'object' && !Array.isArray(item) && 'units' in item
          ? [Object.fromEntries(Object.entries(item).map(([k, v]) => [k === 'units' ? unitsKey : k, v]))]
          : [item];
      expect(isBuildingUserList(body, unitsKey)).toBe(wellFormed);
      // What the check accepts, the schema accepts: skipping the schema never lets a bad body in.
      expect(schema.safeParse(body).success).toBe(wellFormed);
    }
  });

  it('refuses a body that is not a list, and takes an empty one', () => {
    expect(isBuildingUserList({ items: [] }, 'listings')).toBe(false);
    expect(buildingUserList2026Schema.safeParse({ items: [] }).success).toBe(false);
    expect(isBuildingUserList([], 'listings')).toBe(true);
  });
});
