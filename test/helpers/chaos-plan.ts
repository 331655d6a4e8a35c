/**
 * A large generated plan for the chaos tests: an OpenApp seed and a PMS export of the generic
 * mapping whose sync adds, removes and invites a known set of residents in both example buildings,
 * with what OpenApp must look like afterwards.
 */
import type { Snapshot } from '../../src/simulator/sim-snapshot.js';
import { BIRCH_TOWER, MAPLE_COURT, exampleSeed, residentRole } from './simulator.js';

/** Residents of one building, by what the sync must do with them. */
export interface ChaosShape {
  /** Residents already in OpenApp and still living there: nothing to do. */
  unchanged: number;
  /** Accounts the export names by `openapp_user_id`, not yet in the building. */
  addById: number;
  /** Accounts the export names by email only (found by a users search), not yet in the building. */
  addByEmail: number;
  /** Residents in the building whose lease ended long ago. */
  remove: number;
  /** Residents with no OpenApp account: each needs one invitation. */
  invite: number;
}

export interface ChaosPlan {
  seed: Snapshot;
  csv: string;
  /** Changes the first sync makes: adds, removals and invitations. */
  changes: number;
  /** Per building: user ids that must hold the resident role afterwards, and ids that must not. */
  present: Map<string, string[]>;
  absent: Map<string, string[]>;
  /** Invitee email -> the building their one invitation is for. */
  invitees: Map<string, string>;
}

/**
 * The seed of a chaos test's random choices: CHAOS_SEED when set, else a fresh one. Printed, so a
 * failure can be run again with the same choices.
 */
export function chaosSeed(label: string): number {
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  if (!Number.isSafeInteger(seed))
    throw new Error(`CHAOS_SEED must be an integer, not "${process.env.CHAOS_SEED}"`);
  console.info(`${label}: seed ${seed} (CHAOS_SEED=${seed} npm run test:chaos repeats its random choices)`);
  return seed;
}

/** 1,000 changes per building, 2,000 in all. */
export const TWO_THOUSAND: ChaosShape = {
  unchanged: 100,
  addById: 550,
  addByEmail: 100,
  remove: 250,
  invite: 100,
};

const BUILDINGS = [
  { integrationId: MAPLE_COURT, property: 'Maple Court', tag: 'm' },
  { integrationId: BIRCH_TOWER, property: 'Birch Tower', tag: 'b' },
];
const HEADER =
  'person_id,lease_id,property,unit,first_name,last_name,email,phone,status,move_in,move_out,openapp_user_id';

export function chaosPlan(shape: ChaosShape): ChaosPlan {
  const seed = exampleSeed();
  const rows: string[] = [HEADER];
  const present = new Map<string, string[]>();
  const absent = new Map<string, string[]>();
  const invitees = new Map<string, string>();
  let unit = 1000;

  for (const b of BUILDINGS) {
    const role = residentRole(b.integrationId);
    const keep: string[] = [];
    const gone: string[] = [];
    const row = (
      kind: string,
      i: number,
      fields: { email: string; status: string; out?: string; id?: string },
    ) => {
      unit++;
      rows.push(
        [
          `${b.tag}-${kind}-${i}`,
          `L${unit}`,
          b.property,
          String(unit),
          'Chaos',
          `${kind} ${i}`,
          fields.email,
          '',
          fields.status,
          '2020-01-01',
          fields.out ?? '',
          fields.id ?? '',
        ].join(','),
      );
    };
    const account = (kind: string, i: number, resident: boolean) => {
      const id = `chaos-${b.tag}-${kind}-${String(i).padStart(4, '0')}`;
      const email = `${kind}.${i}@${b.tag}.chaos.example.com`;
      seed.users.push({ id, name: `Chaos ${kind} ${i}`, email, roles: {} });
      if (resident)
        seed.building_users.push({ integration_id: b.integrationId, user_id: id, role, apartments: [] });
      return { id, email };
    };

    for (let i = 0; i < shape.unchanged; i++) {
      const u = account('stay', i, true);
      row('stay', i, { email: u.email, status: 'Current', id: u.id });
      keep.push(u.id);
    }
    for (let i = 0; i < shape.addById; i++) {
      const u = account('new', i, false);
      row('new', i, { email: u.email, status: 'Current', id: u.id });
      keep.push(u.id);
    }
    for (let i = 0; i < shape.addByEmail; i++) {
      const u = account('found', i, false);
      row('found', i, { email: u.email, status: 'Current' });
      keep.push(u.id);
    }
    for (let i = 0; i < shape.remove; i++) {
      const u = account('left', i, true);
      row('left', i, { email: u.email, status: 'Past', out: '2021-06-30', id: u.id });
      gone.push(u.id);
    }
    for (let i = 0; i < shape.invite; i++) {
      const email = `invitee.${i}@${b.tag}.chaos.example.com`;
      row('invitee', i, { email, status: 'Current' });
      invitees.set(email, b.integrationId);
    }
    present.set(b.integrationId, keep);
    absent.set(b.integrationId, gone);
  }

  const perBuilding = shape.addById + shape.addByEmail + shape.remove + shape.invite;
  return {
    seed,
    csv: `${rows.join('\n')}\n`,
    changes: perBuilding * BUILDINGS.length,
    present,
    absent,
    invitees,
  };
}

/**
 * The feed settings of a chaos run, appended to the feed written by `writeFeed`: removals on this
 * scale are what the test asks for (no guard holds them), invitations go out at any hour.
 */
export const CHAOS_FEED_SETTINGS = [
  '    guards: { max_removals: 100000, max_removal_percent: 100 }',
  "    invitations: { enabled: true, sending_hours: { start: '00:00', end: '00:00' } }",
  '',
].join('\n');
