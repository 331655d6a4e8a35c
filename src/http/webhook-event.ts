/**
 * What a PMS webhook says, and which sync it asks for. Many PMSs send thin signals (ids only):
 * an event that names a building (an integration id, or a property and unit the mapping places)
 * syncs that building; any other known event syncs the whole feed. Either way the run reads the
 * source afresh, so the event's own content never has to be trusted.
 */
import { z } from 'zod';
import type { BuildingResolver } from '../mappings/building-rules.js';

/** pms-sync's own event format, for PMS connectors and middleware that can send it. */
export const GENERIC_EVENT_TYPES = [
  'resident.moved_in',
  'resident.moved_out',
  'lease.created',
  'lease.changed',
  'lease.renewed',
  'contact.changed',
] as const;

const genericEvent = z.object({
  type: z.enum(GENERIC_EVENT_TYPES),
  data: z
    .object({
      integration_id: z.string().min(1).optional(),
      property: z.string().min(1).optional(),
      unit: z.string().min(1).optional(),
      person_id: z.string().min(1).optional(),
      lease_id: z.string().min(1).optional(),
    })
    .default({}),
});

/** Buildium's envelope: `{ EventName, EventDateTime, AccountId, LeaseId | TenantId … }`, ids only. */
const BUILDIUM_EVENT = /^(Lease|LeaseTenant|Tenant|Lease\.MoveOut|Rental|RentalUnit)\.[A-Za-z.]+$/;
const buildiumEvent = z.object({
  EventName: z.string().regex(BUILDIUM_EVENT, 'not a lease, tenant or move-out event'),
  EventDateTime: z.string().optional(),
  AccountId: z.union([z.number(), z.string()]).optional(),
});

export type WebhookScope =
  { kind: 'building'; integrationId: string; event: string } | { kind: 'feed'; event: string };

export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
}

export function scopeOfEvent(
  body: unknown,
  feedBuildings: readonly string[],
  buildingOf: BuildingResolver,
): WebhookScope {
  const generic = genericEvent.safeParse(body);
  if (generic.success) {
    const { type, data } = generic.data;
    const building =
      (data.integration_id && feedBuildings.includes(data.integration_id)
        ? data.integration_id
        : undefined) ?? (data.property || data.unit ? buildingOf(data.property, data.unit) : undefined);
    if (building && feedBuildings.includes(building))
      return { kind: 'building', integrationId: building, event: type };
    return { kind: 'feed', event: type };
  }
  const buildium = buildiumEvent.safeParse(body);
  if (buildium.success) return { kind: 'feed', event: buildium.data.EventName };
  const type =
    body && typeof body === 'object'
      ? ((body as { type?: unknown; EventName?: unknown }).type ??
        (body as { EventName?: unknown }).EventName)
      : undefined;
  throw new UnknownEventError(
    typeof type === 'string'
      ? `unknown event type "${type.slice(0, 80)}": expected one of ${GENERIC_EVENT_TYPES.join(', ')} or a Buildium lease / tenant event`
      : 'the body is not a known event: expected {"type": ..., "data": {...}} or a Buildium envelope with EventName',
  );
}
