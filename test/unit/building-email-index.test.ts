import { describe, expect, it } from 'vitest';
import { buildingEmailIndex } from '../../src/core/building-email-index.js';
import type { BuildingUser } from '../../src/openapp/openapp-types.js';

const user = (userId: string, email: string | null): BuildingUser => ({
  userId,
  role: 'virtual_access:integration:B1:resident',
  units: [],
  email,
  name: userId,
});

describe('buildingEmailIndex', () => {
  it('maps each trimmed, lower-cased email to the first user who has it, building by building', () => {
    const actual = new Map([
      [
        'B1',
        [
          user('u1', 'Ana@Example.com'),
          user('u2', null),
          user('u3', ' ana@example.com '),
          user('u4', 'bo@example.com'),
        ],
      ],
      ['B2', [user('u5', 'ana@example.com')]],
    ]);
    const index = buildingEmailIndex(actual);
    expect([...(index.get('B1') ?? [])].sort()).toEqual([
      ['ana@example.com', 'u1'],
      ['bo@example.com', 'u4'],
    ]);
    expect(index.get('B2')?.get('ana@example.com')).toBe('u5');
    expect(buildingEmailIndex(actual)).toBe(index); // worked out once per map
  });
});
