/**
 * The simulator's users search: a case-insensitive substring match on email and name, like the
 * real ILIKE search, answered through a trigram index (as PostgreSQL's pg_trgm answers ILIKE).
 * Without it every search scans every user; a benchmark's few hundred searches over 170,000 users
 * then measure the simulator rather than pms-sync. Built once when the store is created, then
 * kept up to date as users are added.
 */
import type { Snapshot } from './sim-snapshot.js';

type User = Snapshot['users'][number];

/** Trigrams spanning the separator between email and name match no search; they are not indexed. */
const SEPARATOR = '\u0000';

function searchText(user: User): string {
  return `${user.email.toLowerCase()}${SEPARATOR}${user.name.toLowerCase()}`;
}

export class UserSearchIndex {
  private readonly texts: string[] = [];
  private readonly users: User[] = [];
  /** Trigram -> positions in `users`, ascending, each once. */
  private readonly postings = new Map<string, number[]>();

  constructor(users: Iterable<User>) {
    for (const user of users) this.add(user);
  }

  add(user: User): void {
    const position = this.users.length;
    const text = searchText(user);
    this.users.push(user);
    this.texts.push(text);
    for (let i = 0; i + 3 <= text.length; i++) {
      const gram = text.slice(i, i + 3);
      if (gram.includes(SEPARATOR)) continue;
      const list = this.postings.get(gram);
      if (list === undefined) this.postings.set(gram, [position]);
      else if (list[list.length - 1] !== position) list.push(position);
    }
  }

  /** Users whose email or name contains `query` (trimmed, case-insensitive), in the order they were added. */
  search(query: string): User[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') return [...this.users];
    let candidates: readonly number[] | undefined;
    if (needle.length >= 3 && !needle.includes(SEPARATOR)) {
      for (let i = 0; i + 3 <= needle.length; i++) {
        const list = this.postings.get(needle.slice(i, i + 3)) ?? [];
        if (candidates === undefined || list.length < candidates.length) candidates = list;
        if (list.length === 0) return [];
      }
    }
    const found: User[] = [];
    if (candidates === undefined) {
      for (let p = 0; p < this.users.length; p++)
        if (this.texts[p]?.includes(needle)) found.push(this.users[p] as User);
    } else {
      for (const p of candidates) if (this.texts[p]?.includes(needle)) found.push(this.users[p] as User);
    }
    return found;
  }
}
