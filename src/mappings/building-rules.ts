import type { Mapping } from './mapping-schema.js';

/** Finds the OpenApp integration of a property and unit. */
export type BuildingResolver = (property: string | undefined, unit: string | undefined) => string | undefined;

/**
 * The mapping's buildings table, compiled once: the first rule whose property (trimmed,
 * case-insensitive) and unit pattern match wins. Used for export rows and for webhook events.
 */
export function compileBuildingRules(mapping: Mapping): BuildingResolver {
  const rules = mapping.buildings.table.map((b) => ({
    property: b.property?.trim().toLowerCase(),
    unitPattern: b.unit_pattern === undefined ? undefined : new RegExp(b.unit_pattern, 'iu'),
    integrationId: b.integration_id,
  }));
  return (propertyIn, unitIn) => {
    const property = propertyIn?.trim().toLowerCase();
    const unit = unitIn ?? '';
    for (const rule of rules) {
      if (rule.property !== undefined && rule.property !== property) continue;
      if (rule.unitPattern !== undefined && !rule.unitPattern.test(unit)) continue;
      return rule.integrationId;
    }
    return undefined;
  };
}
