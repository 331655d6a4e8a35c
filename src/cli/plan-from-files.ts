/** The shared first half of `plan`, `apply` and the demo: mapping + export + OpenApp -> plan. */
import type { Plan } from '../core/plan.js';
import { loadMappingFile } from '../mappings/load-mapping.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { Logger } from '../logger.js';
import { buildingsOf, feedPolicyFromMapping, listBuildings, planSync } from '../sync/plan-sync.js';
import { readCsvExport } from '../sync/read-csv-export.js';
import type { SourceSnapshot } from '../sync/source-snapshot.js';

export interface PlannedFromFiles {
  mapping: Mapping;
  snapshot: SourceSnapshot;
  plan: Plan;
  /** Integration id -> display name, for people reading the plan. */
  names: Map<string, string>;
}

export async function planFromFiles(input: {
  mappingFile: string;
  csvFile: string;
  client: OpenAppClient;
  now: number;
  logger: Logger;
}): Promise<PlannedFromFiles> {
  const mapping = await loadMappingFile(input.mappingFile);
  // OpenApp is read while the export streams in: the two do not depend on each other.
  const tableBuildings = [...new Set(mapping.buildings.table.map((b) => b.integration_id))];
  const [snapshot, actual] = await Promise.all([
    readCsvExport(mapping, input.csvFile),
    listBuildings(input.client, tableBuildings),
  ]);
  const plan = await planSync({
    snapshot,
    actual,
    buildings: buildingsOf(mapping, snapshot),
    policy: feedPolicyFromMapping(mapping),
    client: input.client,
    now: input.now,
  });
  return { mapping, snapshot, plan, names: await integrationNames(input.client, input.logger) };
}

/** Names make a plan readable; a key without the right to list integrations still gets a plan. */
async function integrationNames(client: OpenAppClient, logger: Logger): Promise<Map<string, string>> {
  try {
    const integrations = await client.listIntegrations({ providerType: 'virtual_access' });
    return new Map(integrations.map((i) => [i.id, i.name ?? i.id]));
  } catch (err) {
    logger.warn({ err }, 'could not list integrations; the plan shows ids only');
    return new Map();
  }
}
