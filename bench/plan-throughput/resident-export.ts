/**
 * The data of the plan-throughput benchmark, generated the same way every time (a seeded PRNG, no
 * clock): a 200,000-row export in the generic one-row-per-person format over 50 buildings, the
 * mapping that reads it, and an OpenApp simulator seed describing the night before the run.
 *
 * What the export holds, per building (4,000 rows):
 * - leases of 1 to 4 co-tenants sharing a lease id and a unit; some co-tenants share a family email,
 *   a few owners rent in two buildings under one email;
 * - statuses: mostly Current, some Notice (move-out ahead), Past (most moved out long ago, some in
 *   the last days), Future (a few moving in tomorrow, inside the lead day), Eviction (review),
 *   Applicant / Vacant (inactive);
 * - ISO dates, except about one row in a thousand with a date that cannot be read (rejected);
 * - phones in the usual local styles; some emails in mixed case; a quarter of the people with an
 *   OpenApp account carry its user id.
 * What OpenApp holds: nearly every resident who should have access already has it (unchanged);
 * residents who moved out in the last days still have it (removals); a few hundred new residents
 * are not in their building yet (users search: an account to add, or none, so an invitation);
 * a handful of residents the PMS does not list (unmanaged) and staff on every building.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { MappingInput } from '../../src/mappings/mapping-schema.js';
import { seededRandom } from '../../src/core/seeded-random.js';

export const BUILDING_COUNT = 50;
export const ROWS_PER_BUILDING = 4_000;
/** The instant the plan is for: noon in Chicago (CDT) on 2026-03-16. */
export const PLAN_NOW = Date.parse('2026-03-16T12:00:00-05:00');
const TODAY = '2026-03-16';
const TIME_ZONE = 'America/Chicago';
const PRNG_SEED = 0x5eed_2026;

export const ORG_ID = '01JQBENCH0RG000000000000000';
export const API_SECRET = 'bench-secret-plan-throughput';
const SERVICE_USER_ID = '01JQBENCHSVC00000000000000';

const HEADER = [
  'person_id',
  'lease_id',
  'property',
  'unit',
  'first_name',
  'last_name',
  'email',
  'phone',
  'status',
  'move_in',
  'move_out',
  'openapp_user_id',
];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id (26 Crockford base32 characters): a fixed prefix, a kind letter, a counter. */
function benchId(kind: 'B' | 'P' | 'S', n: number): string {
  let digits = '';
  for (let v = n; digits.length < 21; v = Math.floor(v / 32)) digits = (CROCKFORD[v % 32] ?? '0') + digits;
  return `01JQ${kind}${digits}`;
}

export function buildingId(b: number): string {
  return benchId('B', b);
}

export function propertyName(b: number): string {
  return `Building ${String(b).padStart(2, '0')}`;
}

const residentRole = (integrationId: string) => `virtual_access:integration:${integrationId}:resident`;
const staffRole = (integrationId: string) => `virtual_access:integration:${integrationId}:staff`;

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

// prettier-ignore
const FIRST_NAMES = [
  'Ana', 'Ben', 'Chloe', 'Dev', 'Eve', 'Farah', 'Gina', 'Hugo', 'Ivan', 'Julia', 'Kofi', 'Lena',
  'Marco', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Victor', 'Wen',
  'Ximena', 'Yusuf', 'Zoe', 'Aiden', 'Beatriz', 'Carlos', 'Dana', 'Elif', 'Femi', 'Grace', 'Hiro',
  'Ines', 'Jamal', 'Keiko', 'Luis', 'Maya', 'Noah',
];
// prettier-ignore
const LAST_NAMES = [
  'Gomez', 'Okafor', 'Park', 'Singh', 'Martin', 'Liu', 'Petrov', 'Mensah', 'Fischer', 'Rossi',
  'Nguyen', 'Kowalski', "O'Brien", 'Haddad', 'Silva', 'Tanaka', 'Johnson', 'Moreau', 'Novak',
  'Andersen', 'Costa', 'Dubois', 'Eriksen', 'Garcia', 'Horvat', 'Ivanova', 'Jensen', 'Kim',
  'Lopez', 'Murphy', 'Smith, Jr.', 'Van der Berg',
];
const BAD_DATES = ['2026-02-30', '3/15/26', '2025-13-01', '15.03.2025'];

type LeaseKind =
  'current' | 'notice' | 'past-old' | 'past-recent' | 'future' | 'future-lead' | 'eviction' | 'inactive';

/** What OpenApp knows of a person: a building user, an account elsewhere, or nothing. */
type AccountState = 'member' | 'account' | 'none';

interface SeedUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  /** Buildings where the user holds the resident role. */
  memberOf: string[];
}

export interface GeneratedExport {
  csv: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** Rows with a date the mapping cannot read (rejected by the row mapper). */
  badDateRows: number;
  /** The simulator seed, in the format of src/simulator/sim-snapshot.ts. */
  seed: unknown;
  /** The users the seed holds. */
  seedUsers: number;
  /** The resident-role memberships the seed holds, over all buildings. */
  seedMemberships: number;
}

/** How a pick among weighted outcomes is written: [outcome, weight] pairs, weights summing to 1. */
function pick<T>(r: number, table: readonly (readonly [T, number])[]): T {
  let acc = 0;
  for (const [value, weight] of table) {
    acc += weight;
    if (r < acc) return value;
  }
  const last = table[table.length - 1];
  if (last === undefined) throw new Error('pick: empty table');
  return last[0];
}

const LEASE_KINDS: readonly (readonly [LeaseKind, number])[] = [
  ['current', 0.8],
  ['notice', 0.06],
  ['past-old', 0.06],
  ['past-recent', 0.004],
  ['future', 0.057],
  ['future-lead', 0.001],
  ['eviction', 0.008],
  ['inactive', 0.01],
];
const HOUSEHOLD_SIZES: readonly (readonly [number, number])[] = [
  [1, 0.5],
  [2, 0.35],
  [3, 0.12],
  [4, 0.03],
];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes the export into `csv` and returns it with the matching simulator seed. */
export async function generateExport(csv: string): Promise<GeneratedExport> {
  const random = seededRandom(PRNG_SEED);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const out = createWriteStream(csv);
  const hash = createHash('sha256');
  let bytes = 0;
  let pending: string[] = [];
  const flush = async () => {
    const text = pending.join('');
    pending = [];
    hash.update(text);
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  pending.push(`${HEADER.join(',')}\n`);

  const users = new Map<string, SeedUser>();
  let userCount = 0;
  /** Residents with access somewhere, who may also rent in a later building. */
  const owners: SeedUser[] = [];
  let rows = 0;
  let badDateRows = 0;

  const accountFor = (kind: LeaseKind): AccountState => {
    const r = random();
    switch (kind) {
      case 'current':
      case 'notice':
        return r < 0.9985 ? 'member' : r < 0.9995 ? 'account' : 'none';
      case 'future-lead':
        return pick(r, [
          ['member', 0.3],
          ['account', 0.4],
          ['none', 0.3],
        ]);
      case 'past-recent':
      case 'eviction':
        return 'member';
      case 'future':
        return r < 0.2 ? 'account' : 'none';
      case 'past-old':
        return r < 0.02 ? 'account' : 'none';
      case 'inactive':
        return 'none';
    }
  };

  for (let b = 1; b <= BUILDING_COUNT; b++) {
    const integrationId = buildingId(b);
    const property = propertyName(b);
    let left = ROWS_PER_BUILDING;
    let lease = 0;
    let person = 0;
    while (left > 0) {
      lease++;
      const leaseId = `L${String(b).padStart(2, '0')}${String(lease).padStart(5, '0')}`;
      // 40 floors of 60 units; older leases of a unit come around again as past leases.
      const slot = (lease - 1) % 2400;
      const unit = `${Math.floor(slot / 60) + 1}${String((slot % 60) + 1).padStart(2, '0')}`;
      const owner =
        b > 1 && owners.length > 0 && random() < 0.0015 ? owners[between(0, owners.length - 1)] : undefined;
      const kind: LeaseKind = owner ? 'current' : pick(random(), LEASE_KINDS);
      const size = owner ? 1 : Math.min(left, pick(random(), HOUSEHOLD_SIZES));

      let status: string;
      let moveIn = addDays(TODAY, -between(60, 4000));
      let moveOut = '';
      switch (kind) {
        case 'current':
          status = 'Current';
          break;
        case 'notice':
          status = 'Notice';
          moveOut = addDays(TODAY, between(3, 100));
          break;
        case 'past-old':
          status = random() < 0.8 ? 'Past' : 'Former';
          moveOut = addDays(TODAY, -between(30, 900));
          moveIn = addDays(moveOut, -between(200, 2000));
          break;
        case 'past-recent':
          // Ended at least 2 days ago (one grace day): access is over, OpenApp still has them.
          status = 'Past';
          moveOut = addDays(TODAY, -between(2, 10));
          break;
        case 'future':
          status = 'Future';
          moveIn = addDays(TODAY, between(2, 120));
          break;
        case 'future-lead':
          // Tomorrow: inside the one lead day, so access opens today.
          status = 'Future';
          moveIn = addDays(TODAY, 1);
          break;
        case 'eviction':
          status = 'Eviction';
          break;
        case 'inactive':
          status = random() < 0.5 ? 'Applicant' : 'Vacant';
          moveIn = random() < 0.5 ? addDays(TODAY, between(5, 60)) : '';
          break;
      }

      let familyEmail: string | undefined;
      for (let p = 0; p < size; p++) {
        person++;
        const personId = `P${String(b).padStart(2, '0')}${String(person).padStart(5, '0')}`;
        let first: string;
        let last: string;
        let email: string;
        if (owner) {
          first = owner.firstName;
          last = owner.lastName;
          email = owner.email;
        } else {
          first = FIRST_NAMES[between(0, FIRST_NAMES.length - 1)] ?? 'Ana';
          last = LAST_NAMES[between(0, LAST_NAMES.length - 1)] ?? 'Gomez';
          const local = [first, last].map((n) => n.toLowerCase().replace(/[^a-z]/g, '')).join('.');
          email =
            p > 0 && familyEmail !== undefined && random() < 0.04
              ? familyEmail
              : `${local}.b${String(b).padStart(2, '0')}p${String(person).padStart(5, '0')}@example.com`;
        }
        if (p === 0) familyEmail = email;

        let phone = '';
        if (random() < 0.6) {
          const n = `${between(200, 989)}${between(200, 999)}${String(between(0, 9999)).padStart(4, '0')}`;
          phone = pick(random(), [
            [`(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`, 0.4],
            [`+1 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`, 0.2],
            [`${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`, 0.2],
            [`${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`, 0.2],
          ]);
        }

        let user = users.get(email);
        if (user === undefined) {
          const state = owner ? 'member' : accountFor(kind);
          if (state !== 'none') {
            user = {
              id: benchId('P', ++userCount),
              firstName: first,
              lastName: last,
              email,
              phone: null,
              memberOf: state === 'member' ? [integrationId] : [],
            };
            users.set(email, user);
            if (state === 'member' && (kind === 'current' || kind === 'notice') && p === 0 && random() < 0.01)
              owners.push(user);
          }
        } else if (owner && !user.memberOf.includes(integrationId)) {
          user.memberOf.push(integrationId);
        }

        const carriesId = user !== undefined && random() < 0.25;
        const shownEmail =
          random() < 0.03
            ? email.replace(/^./, (c) => c.toUpperCase()).replace('@example', '@Example')
            : email;
        let shownMoveIn = moveIn;
        if (random() < 0.001) {
          shownMoveIn = BAD_DATES[between(0, BAD_DATES.length - 1)] ?? '2026-02-30';
          badDateRows++;
        }
        const cells = [
          personId,
          leaseId,
          property,
          unit,
          first,
          last,
          shownEmail,
          phone,
          status,
          shownMoveIn,
          moveOut,
          carriesId ? (user?.id ?? '') : '',
        ];
        pending.push(`${cells.map(csvCell).join(',')}\n`);
        rows++;
        left--;
      }
      if (pending.length >= 4096) await flush();
    }
  }
  await flush();
  out.end();
  await once(out, 'close');

  const integrations = Array.from({ length: BUILDING_COUNT }, (_, i) => ({
    id: buildingId(i + 1),
    org_id: ORG_ID,
    name: { en: propertyName(i + 1) },
    provider_type: 'virtual_access',
  }));
  const seedUsers: { id: string; name: string; email: string; phone: string | null }[] = [];
  const buildingUsers: { integration_id: string; user_id: string; role: string }[] = [];
  for (const u of users.values()) {
    seedUsers.push({ id: u.id, name: `${u.firstName} ${u.lastName}`, email: u.email, phone: u.phone });
    for (const integrationId of u.memberOf) {
      buildingUsers.push({ integration_id: integrationId, user_id: u.id, role: residentRole(integrationId) });
    }
  }
  const residentMemberships = buildingUsers.length;
  // People OpenApp has on each building that the PMS does not list (left alone), and staff.
  let extra = 0;
  for (const { id: integrationId } of integrations) {
    for (let k = 0; k < 9; k++) {
      const id = benchId('S', ++extra);
      const staff = k >= 6;
      seedUsers.push({
        id,
        name: staff ? `Concierge ${extra}` : `Unlisted Resident ${extra}`,
        email: `${staff ? 'staff' : 'unlisted'}.${extra}@example.org`,
        phone: null,
      });
      buildingUsers.push({
        integration_id: integrationId,
        user_id: id,
        role: staff ? staffRole(integrationId) : residentRole(integrationId),
      });
    }
  }
  seedUsers.push({
    id: SERVICE_USER_ID,
    name: 'pms-sync service account',
    email: 'pms-sync@bench.example.org',
    phone: null,
  });

  const seed = {
    description: 'plan-throughput benchmark: 50 buildings, the night before a nightly run.',
    orgs: [{ id: ORG_ID, name: 'Benchmark Property Group' }],
    api_keys: [{ secret: API_SECRET, org_id: ORG_ID, user_id: SERVICE_USER_ID }],
    integrations,
    users: seedUsers.map((u) =>
      u.id === SERVICE_USER_ID ? { ...u, roles: { [ORG_ID]: ['admin'] } } : { ...u, roles: {} },
    ),
    building_users: buildingUsers,
  };
  return {
    csv,
    rows,
    bytes,
    sha256: hash.digest('hex'),
    badDateRows,
    seed,
    seedUsers: seedUsers.length,
    seedMemberships: residentMemberships,
  };
}

/** The mapping of the export: the generic format, a 50-row buildings table, guards that hold nothing. */
export function benchMapping(): MappingInput {
  return {
    name: 'plan-throughput benchmark (generic format, 50 buildings)',
    pms: 'generic',
    csv: { delimiter: ',', encoding: 'utf-8', header: { line: 1 } },
    fields: {
      person_id: 'person_id',
      lease_id: 'lease_id',
      property: 'property',
      unit: 'unit',
      first_name: 'first_name',
      last_name: 'last_name',
      email: 'email',
      phone: 'phone',
      status: 'status',
      move_in: 'move_in',
      move_out: 'move_out',
      openapp_user_id: 'openapp_user_id',
    },
    date_formats: ['yyyy-MM-dd', 'M/d/yyyy'],
    status: {
      current: ['Current'],
      notice: ['Notice'],
      future: ['Future'],
      past: ['Past', 'Former'],
      eviction: ['Eviction'],
      eviction_policy: 'review',
      inactive: ['Vacant', 'Applicant'],
    },
    buildings: {
      table: Array.from({ length: BUILDING_COUNT }, (_, i) => ({
        property: propertyName(i + 1),
        integration_id: buildingId(i + 1),
      })),
      unmatched: 'reject',
    },
    access: { time_zone: TIME_ZONE, move_in_lead_days: 1, move_out_grace_days: 1 },
    policy: {
      adopt_existing: false,
      guards: { max_removals: 500, max_removal_percent: 50, max_rejected_percent: 5 },
    },
  };
}
