/**
 * The first half of a plan from a source (`pms-sync plan`, `apply`, the demo): the source is read
 * and OpenApp's building users are listed at the same time (neither needs the other), and the
 * users searches the plan will need start as soon as both say who needs one (lookups-ahead.ts).
 */
import type { FeedPolicy } from '../core/planner.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { BuildingUser } from '../openapp/openapp-types.js';
import { LookupsAhead, type EarlyLookups } from './lookups-ahead.js';
import { listBuildings } from './plan-sync.js';
import { readSource, type SourceSpec } from './read-source.js';
import type { SourceSnapshot } from './source-snapshot.js';

export interface ReadAndListed {
  snapshot: SourceSnapshot;
  /** The users of every building in the mapping's table. */
  actual: Map<string, BuildingUser[]>;
  /** For planSync's `lookups`: waits for the searches still running. */
  lookups: () => Promise<EarlyLookups>;
}

export async function readAndList(input: {
  mapping: Mapping;
  source: SourceSpec;
  policy: FeedPolicy;
  client: OpenAppClient;
  now: number;
}): Promise<ReadAndListed> {
  const { mapping, client } = input;
  const ahead = new LookupsAhead(client, input.policy.access, input.now);
  const tableBuildings = [...new Set(mapping.buildings.table.map((b) => b.integration_id))];
  const [snapshot, actual] = await Promise.all([
    readSource(mapping, input.source, { onRecords: (records) => ahead.sawRecords(records) }),
    listBuildings(client, tableBuildings).then((listed) => {
      ahead.sawBuildings(listed);
      return listed;
    }),
  ]);
  return { snapshot, actual, lookups: () => ahead.result(snapshot.records) };
}
