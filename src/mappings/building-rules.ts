import type { Mapping } from './mapping-schema.js';

/** Finds the OpenApp integration of a property and unit. */
export type BuildingResolver = (property: string | undefined, unit: string | undefined) => string | undefined;

/** Distinct property cells remembered at most (an export has a handful; a broken one, any number). */
const PROPERTY_CACHE_LIMIT = 10_000;

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
  const resolve: BuildingResolver = (propertyIn, unitIn) => {
    const property = propertyIn?.trim().toLowerCase();
    const unit = unitIn ?? '';
    for (const rule of rules) {
      if (rule.property !== undefined && rule.property !== property) continue;
      if (rule.unitPattern !== undefined && !rule.unitPattern.test(unit)) continue;
      return rule.integrationId;
    }
    return undefined;
  };
  if (rules.some((r) => r.unitPattern !== undefined)) return resolve;

  // Without unit patterns the answer depends on the property cell alone, and an export repeats a
  // few property names on every row: each is matched against the table once.
  const byProperty = new Map<string | undefined, string | null>();
  return (propertyIn, unitIn) => {
    const known = byProperty.get(propertyIn);
    if (known !== undefined) return known ?? undefined;
    const found = resolve(propertyIn, unitIn);
    if (byProperty.size >= PROPERTY_CACHE_LIMIT) byProperty.clear();
    byProperty.set(propertyIn, found ?? null);
    return found;
  };
}
