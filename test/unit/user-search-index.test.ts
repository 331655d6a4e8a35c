import { describe, expect, it } from 'vitest';
import { UserSearchIndex } from '../../src/simulator/user-search-index.js';

const user = (id: string, email: string, name: string) => ({ id, email, name, phone: null, roles: {} });

const USERS = [
  user('u1', 'ana.lopez@example.com', 'Ana López'),
  user('u2', 'bob@example.com', 'Bob Stone'),
  user('u3', 'jimbob@example.com', 'Jim Bobson'),
  user('u4', 'BOB@Example.COM.au', 'Robert'),
  user('u5', 'cy@other.org', 'Cy'),
];

/** What the index must answer: the plain scan it replaces. */
function scan(q: string): string[] {
  const needle = q.trim().toLowerCase();
  return USERS.filter((u) => `${u.email.toLowerCase()}\u0000${u.name.toLowerCase()}`.includes(needle)).map(
    (u) => u.id,
  );
}

describe('UserSearchIndex: a substring search on email and name', () => {
  const index = new UserSearchIndex(USERS);
  it.each([
    { q: 'bob@example.com', ids: ['u2', 'u3', 'u4'] },
    { q: ' BOB@EXAMPLE.COM ', ids: ['u2', 'u3', 'u4'] },
    { q: 'ana.lopez@example.com', ids: ['u1'] },
    { q: 'bob', ids: ['u2', 'u3', 'u4'] },
    { q: 'bo', ids: ['u2', 'u3', 'u4'] },
    { q: 'ó', ids: ['u1'] },
    { q: 'ana lópez', ids: ['u1'] },
    { q: 'nobody@example.com', ids: [] },
    { q: 'com\u0000ana', ids: ['u1'] },
    { q: '', ids: ['u1', 'u2', 'u3', 'u4', 'u5'] },
  ])('"$q"', ({ q, ids }) => {
    expect(index.search(q).map((u) => u.id)).toEqual(ids);
    expect(ids).toEqual(scan(q));
  });

  it('finds a user added after it was built', () => {
    const grown = new UserSearchIndex(USERS);
    grown.add(user('u6', 'new.resident@example.com', 'New Resident'));
    expect(grown.search('new.resident@example.com').map((u) => u.id)).toEqual(['u6']);
    expect(grown.search('resident').map((u) => u.id)).toEqual(['u6']);
  });
});
