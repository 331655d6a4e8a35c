/**
 * A feed whose plan has a known number of changes, for the apply benchmarks: per building, residents
 * OpenApp already has (unchanged), residents with an OpenApp account who are not in their building
 * yet (adds: the export carries their user id, so no users search is needed) and residents OpenApp
 * still has whom the export no longer lists (removals). Written as the files a deployment has: a
 * mapping, an export, a feeds file, and the simulator seed for OpenApp's side.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MappingInput } from '../../src/mappings/mapping-schema.js';

export const ORG_ID = '01JQAPPLY0RG000000000000000';
export const API_SECRET = 'bench-secret-apply-throughput';
const SERVICE_USER_ID = '01JQAPPLYSVC00000000000000';
export const FEED_NAME = 'bench';
const TIME_ZONE = 'America/Chicago';

export interface FixtureShape {
  buildings: number;
  unchangedPerBuilding: number;
  addsPerBuilding: number;
  removalsPerBuilding: number;
}

export interface Fixture {
  feedsFile: string;
  /** The simulator seed (src/simulator/sim-snapshot.ts format). */
  seed: unknown;
  changes: number;
  buildingIds: string[];
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id: a fixed prefix, a kind letter, a counter. */
function id(kind: 'B' | 'U', n: number): string {
  let digits = '';
  for (let v = n; digits.length < 21; v = Math.floor(v / 32)) digits = (CROCKFORD[v % 32] ?? '0') + digits;
  return `01JQ${kind}${digits}`;
}

const residentRole = (integrationId: string) => `virtual_access:integration:${integrationId}:resident`;
const property = (b: number) => `Tower ${String(b).padStart(3, '0')}`;

function mapping(buildings: number): MappingInput {
  return {
    name: 'apply benchmark (generic format)',
    pms: 'generic',
    csv: { delimiter: ',', encoding: 'utf-8', header: { line: 1 } },
    fields: {
      person_id: 'person_id',
      property: 'property',
      unit: 'unit',
      first_name: 'first_name',
      last_name: 'last_name',
      email: 'email',
      status: 'status',
      move_in: 'move_in',
      openapp_user_id: 'openapp_user_id',
    },
    date_formats: ['yyyy-MM-dd'],
    status: { current: ['Current'], past: ['Past'] },
    buildings: {
      table: Array.from({ length: buildings }, (_, i) => ({
        property: property(i + 1),
        integration_id: id('B', i + 1),
      })),
      unmatched: 'reject',
    },
    access: { time_zone: TIME_ZONE, move_in_lead_days: 0, move_out_grace_days: 0 },
    // Residents OpenApp has and the export does not list are the feed's to remove.
    policy: {
      adopt_existing: true,
      guards: { max_removals: 1_000_000, max_removal_percent: 100, max_rejected_percent: 5 },
    },
  };
}

/** Writes mapping.yaml, export.csv and feeds.yaml into `dir`. */
export async function writeFixture(dir: string, shape: FixtureShape): Promise<Fixture> {
  const rows = ['person_id,property,unit,first_name,last_name,email,status,move_in,openapp_user_id'];
  const users: { id: string; name: string; email: string; phone: null; roles: Record<string, string[]> }[] = [
    {
      id: SERVICE_USER_ID,
      name: 'pms-sync service account',
      email: 'svc@apply.example.org',
      phone: null,
      roles: { [ORG_ID]: ['admin'] },
    },
  ];
  const buildingUsers: { integration_id: string; user_id: string; role: string }[] = [];
  const buildingIds: string[] = [];
  let n = 0;
  for (let b = 1; b <= shape.buildings; b++) {
    const integrationId = id('B', b);
    buildingIds.push(integrationId);
    const person = (kind: 'kept' | 'add' | 'gone', inExport: boolean, member: boolean) => {
      const userId = id('U', ++n);
      const email = `${kind}.${n}@apply.example.org`;
      users.push({ id: userId, name: `Resident ${n}`, email, phone: null, roles: {} });
      if (member)
        buildingUsers.push({
          integration_id: integrationId,
          user_id: userId,
          role: residentRole(integrationId),
        });
      if (inExport)
        rows.push(
          `P${n},${property(b)},${String(n).padStart(5, '0')},Resident,${n},${email},Current,2020-01-01,${userId}`,
        );
    };
    for (let k = 0; k < shape.unchangedPerBuilding; k++) person('kept', true, true);
    for (let k = 0; k < shape.addsPerBuilding; k++) person('add', true, false);
    for (let k = 0; k < shape.removalsPerBuilding; k++) person('gone', false, true);
  }
  await writeFile(path.join(dir, 'mapping.yaml'), stringify(mapping(shape.buildings)));
  await writeFile(path.join(dir, 'export.csv'), `${rows.join('\n')}\n`);
  const feedsFile = path.join(dir, 'feeds.yaml');
  await writeFile(
    feedsFile,
    stringify({
      feeds: [
        {
          name: FEED_NAME,
          mapping: 'mapping.yaml',
          source: { csv: 'export.csv' },
          guards: { max_removals: 1_000_000, max_removal_percent: 100, max_shrink_percent: 100 },
        },
      ],
    }),
  );
  const seed = {
    description: 'apply benchmark',
    orgs: [{ id: ORG_ID, name: 'Apply Benchmark Group' }],
    api_keys: [{ secret: API_SECRET, org_id: ORG_ID, user_id: SERVICE_USER_ID }],
    integrations: buildingIds.map((integrationId, i) => ({
      id: integrationId,
      org_id: ORG_ID,
      name: { en: property(i + 1) },
      provider_type: 'virtual_access',
    })),
    users,
    building_users: buildingUsers,
  };
  return {
    feedsFile,
    seed,
    changes: shape.buildings * (shape.addsPerBuilding + shape.removalsPerBuilding),
    buildingIds,
  };
}
