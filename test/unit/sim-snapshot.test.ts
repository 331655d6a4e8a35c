import { describe, expect, it } from 'vitest';
import { parseSnapshot, SnapshotError } from '../../src/simulator/sim-snapshot.js';

const base = () => ({
  orgs: [{ id: 'o1', name: 'Org' }],
  api_keys: [{ secret: 'abcd1234', org_id: 'o1' }],
  integrations: [{ id: 'i1', org_id: 'o1', name: 'Maple' }],
  users: [{ id: 'u1', name: 'Ana', email: 'ana@example.com' }],
  building_users: [{ integration_id: 'i1', user_id: 'u1', role: 'virtual_access:integration:i1:resident' }],
});

function problems(mutate: (s: ReturnType<typeof base>) => void): string[] {
  const seed = base();
  mutate(seed);
  try {
    parseSnapshot(seed, '/seeds/demo.json');
    return [];
  } catch (err) {
    if (err instanceof SnapshotError) return err.problems;
    throw err;
  }
}

describe('simulator seeds', () => {
  it('accepts a valid seed and fills defaults', () => {
    const s = parseSnapshot(base(), 'demo.json');
    expect(s.integrations[0]).toMatchObject({ provider_type: 'virtual_access', enabled: true, health: 'ok' });
    expect(s.building_users[0]?.apartments).toEqual([]);
  });

  it.each([
    [
      'an unknown org on a key',
      (s: ReturnType<typeof base>) => (s.api_keys[0]!.org_id = 'o9'),
      'demo.json > api_keys[0] > org_id: no org "o9" in orgs',
    ],
    [
      'an unknown user in building_users',
      (s: ReturnType<typeof base>) => (s.building_users[0]!.user_id = 'u9'),
      'demo.json > building_users[0] > user_id: no user "u9" in users',
    ],
    [
      'a role of another integration',
      (s: ReturnType<typeof base>) => (s.building_users[0]!.role = 'virtual_access:integration:i2:resident'),
      'demo.json > building_users[0] > role: must start with "virtual_access:integration:i1:"',
    ],
    [
      'a duplicate user id',
      (s: ReturnType<typeof base>) => s.users.push({ id: 'u1', name: 'B', email: 'b@x' }),
      'demo.json > users[1] > id: "u1" is used twice',
    ],
    [
      'an unknown field',
      (s: ReturnType<typeof base>) => Object.assign(s.users[0]!, { mail: 'x' }),
      'demo.json > users[0]: Unrecognized key: "mail"',
    ],
    [
      'a missing email',
      (s: ReturnType<typeof base>) => delete (s.users[0] as { email?: string }).email,
      'demo.json > users[0] > email: Invalid input: expected string, received undefined',
    ],
  ])('reports %s with the file and the path', (_label, mutate, expected) => {
    expect(problems(mutate)).toContain(expected);
  });
});
