/**
 * The data of the database-throughput benchmark, generated the same way every time (a seeded PRNG,
 * no clock): the demo PMS schema (examples/pms-db/schema.sql) filled with 1,000,000 residents in
 * 50 properties, as COPY FROM text; the mapping that reads it (mappings/pms-db.yaml's query, a
 * 50-row buildings table); and what OpenApp holds the night before (its building users), which a
 * measured side rebuilds from the same generator instead of reading it from anywhere.
 *
 * Per property: 500 units, leases of 1 to 4 residents (mostly Current; some Notice, Past, Future,
 * Vacant), ISO dates, phones for most, an OpenApp user id for a quarter of those with an account.
 * OpenApp has nearly every resident who should have access (unchanged), residents who moved out
 * in the last days (removals), and nobody who has not moved in yet (invitations).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { seededRandom } from '../../src/core/seeded-random.js';
import type { BuildingUser } from '../../src/openapp/openapp-types.js';

export const BUILDINGS = 50;
export const RESIDENTS_PER_BUILDING = 20_000;
export const UNITS_PER_BUILDING = 500;
export const PORTFOLIO = 'BENCH';
/** The instant the plan is for: noon in Chicago (CDT) on 2026-03-16. */
export const PLAN_NOW = Date.parse('2026-03-16T12:00:00-05:00');
const TODAY = '2026-03-16';
const SEED = 0xdb_2026;

export function integrationId(b: number): string {
  return `01JQDB${String(b).padStart(20, '0')}`;
}

export function propertyName(b: number): string {
  return `Building ${String(b).padStart(2, '0')}`;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

type Kind = 'current' | 'notice' | 'past' | 'past-recent' | 'future' | 'vacant';
const KINDS: readonly [Kind, number][] = [
  ['current', 0.8],
  ['notice', 0.06],
  ['past', 0.06],
  ['past-recent', 0.004],
  ['future', 0.056],
  ['vacant', 0.02],
];
const STATUS: Record<Kind, string> = {
  current: 'Current',
  notice: 'Notice',
  past: 'Past',
  'past-recent': 'Past',
  future: 'Future',
  vacant: 'Vacant',
};
// prettier-ignore
const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eve', 'Farah', 'Gina', 'Hugo', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Marco', 'Nadia', 'Omar', 'Priya'];
// prettier-ignore
const LAST = ['Gomez', 'Okafor', 'Park', 'Singh', 'Martin', 'Liu', 'Petrov', 'Mensah', "O'Brien", 'Silva', 'Tanaka', 'Van der Berg'];

export interface Person {
  personId: string;
  first: string;
  last: string;
  email: string;
  phone: string | null;
  /** Set for a quarter of the people OpenApp knows: the PMS stores their account. */
  openappUserId: string | null;
  /** The account OpenApp has for them, and whether they are in their building's users. */
  userId: string;
  member: boolean;
}

export interface Household {
  b: number;
  unitId: number;
  leaseId: string;
  status: string;
  moveIn: string;
  moveOut: string | null;
  people: Person[];
}

/** Every lease and its residents, property by property, always the same. */
export function* households(): Generator<Household> {
  const random = seededRandom(SEED);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(table: readonly [T, number][]): T => {
    let r = random();
    for (const [value, weight] of table) if ((r -= weight) < 0) return value;
    return (table[table.length - 1] as [T, number])[0];
  };
  let person = 0;
  let lease = 0;
  for (let b = 1; b <= BUILDINGS; b++) {
    let left = RESIDENTS_PER_BUILDING;
    while (left > 0) {
      lease++;
      const kind = pick(KINDS);
      const size = Math.min(
        left,
        pick<number>([
          [1, 0.5],
          [2, 0.35],
          [3, 0.12],
          [4, 0.03],
        ]),
      );
      let moveIn = addDays(TODAY, -between(60, 4000));
      let moveOut: string | null = null;
      if (kind === 'notice') moveOut = addDays(TODAY, between(3, 100));
      if (kind === 'past') moveOut = addDays(TODAY, -between(30, 900));
      if (kind === 'past-recent') moveOut = addDays(TODAY, -between(2, 10));
      if (kind === 'future') moveIn = addDays(TODAY, between(2, 120));
      const people: Person[] = [];
      for (let p = 0; p < size; p++) {
        person++;
        const first = FIRST[between(0, FIRST.length - 1)] as string;
        const last = LAST[between(0, LAST.length - 1)] as string;
        const hasPhone = random() < 0.6;
        const phone = hasPhone ? `(312) 555-${String(between(0, 9999)).padStart(4, '0')}` : null;
        const member = kind === 'current' || kind === 'notice' ? random() < 0.998 : kind === 'past-recent';
        const userId = `01JQU${String(person).padStart(21, '0')}`;
        people.push({
          personId: `P${String(person).padStart(7, '0')}`,
          first,
          last,
          email: `${first.toLowerCase()}.r${person}@example.com`,
          phone,
          openappUserId: member && random() < 0.25 ? userId : null,
          userId,
          member,
        });
      }
      left -= size;
      const unitId = b * 1000 + ((lease - 1) % UNITS_PER_BUILDING) + 1;
      yield {
        b,
        unitId,
        leaseId: `L${String(lease).padStart(7, '0')}`,
        status: STATUS[kind],
        moveIn,
        moveOut,
        people,
      };
    }
  }
}

/** A value in COPY's text format: tabs, newlines and backslashes escaped, NULL as \N. */
function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) =>
    c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\',
  );
}

function line(values: (string | number | null)[]): string {
  return `${values.map(copyText).join('\t')}\n`;
}

const UPDATED_AT = '2026-03-15 22:00:00';

/** Each table's rows as COPY FROM text, in chunks; leases and residents come from two passes. */
export function* copyRows(table: 'properties' | 'units' | 'leases' | 'residents'): Generator<string> {
  if (table === 'properties') {
    for (let b = 1; b <= BUILDINGS; b++) yield line([b, PORTFOLIO, `B${b}`, propertyName(b)]);
    return;
  }
  if (table === 'units') {
    for (let b = 1; b <= BUILDINGS; b++) {
      let chunk = '';
      for (let u = 1; u <= UNITS_PER_BUILDING; u++) chunk += line([b * 1000 + u, b, String(u)]);
      yield chunk;
    }
    return;
  }
  let chunk = '';
  for (const h of households()) {
    if (table === 'leases') chunk += line([h.leaseId, h.unitId, h.status, h.moveIn, h.moveOut, UPDATED_AT]);
    else {
      for (const p of h.people) {
        chunk += line([
          p.personId,
          h.leaseId,
          p.first,
          p.last,
          p.email,
          p.phone,
          p.openappUserId,
          UPDATED_AT,
        ]);
      }
    }
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const roleOf = (id: string) => `virtual_access:integration:${id}:resident`;

/** OpenApp's building users the night before: the members among the residents. */
export function actualState(): Map<string, BuildingUser[]> {
  const actual = new Map<string, BuildingUser[]>();
  for (let b = 1; b <= BUILDINGS; b++) actual.set(integrationId(b), []);
  for (const h of households()) {
    const id = integrationId(h.b);
    const users = actual.get(id) as BuildingUser[];
    for (const p of h.people) {
      if (p.member)
        users.push({
          userId: p.userId,
          role: roleOf(id),
          units: [],
          email: p.email,
          name: `${p.first} ${p.last}`,
        });
    }
  }
  return actual;
}

/**
 * The shipped demo mapping (mappings/pms-db.yaml: its query, fields and statuses) with the
 * benchmark's 50 buildings, its portfolio, and guards that hold nothing.
 */
export async function benchMapping(): Promise<Record<string, unknown>> {
  const file = new URL('../../mappings/pms-db.yaml', import.meta.url);
  const raw = parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
  return {
    ...raw,
    name: 'database-throughput benchmark (demo PMS schema, 50 buildings)',
    database: { ...raw.database, parameters: { portfolio: PORTFOLIO }, changed_since: undefined },
    buildings: {
      table: Array.from({ length: BUILDINGS }, (_, i) => ({
        property: propertyName(i + 1),
        integration_id: integrationId(i + 1),
      })),
      unmatched: 'reject',
    },
    policy: {
      adopt_existing: false,
      guards: { max_removals: 1000, max_removal_percent: 50, max_rejected_percent: 5 },
    },
  };
}
