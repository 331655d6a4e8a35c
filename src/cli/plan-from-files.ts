/** The shared first half of `plan`, `apply` and the demo: mapping + export (or database) + OpenApp -> plan. */
import type { Plan } from '../core/plan.js';
import { loadMappingFile } from '../mappings/load-mapping.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { Logger } from '../logger.js';
import { buildingsOf, feedPolicyFromMapping, planSync } from '../sync/plan-sync.js';
import { readAndList } from '../sync/read-and-list.js';
import type { SourceSpec } from '../sync/read-source.js';
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
  /** The export to read; or `source`, which may also be a database. */
  csvFile?: string;
  source?: SourceSpec;
  client: OpenAppClient;
  now: number;
  logger: Logger;
}): Promise<PlannedFromFiles> {
  const source: SourceSpec | undefined =
    input.source ?? (input.csvFile === undefined ? undefined : { kind: 'csv', file: input.csvFile });
  if (!source) throw new Error('planFromFiles needs a csvFile or a source');
  const mapping = await loadMappingFile(input.mappingFile);
  const policy = feedPolicyFromMapping(mapping);
  const { snapshot, actual, lookups } = await readAndList({
    mapping,
    source,
    policy,
    client: input.client,
    now: input.now,
  });
  const plan = await planSync({
    snapshot,
    actual,
    lookups: await lookups(),
    buildings: buildingsOf(mapping, snapshot),
    policy,
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
