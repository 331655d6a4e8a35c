/**
 * A record's stable key: building, property, unit, lease and person (the PMS person id, else the
 * email, phone or name), joined by `|`. Plans name the records a change stands for by it, and a
 * resident who accepts an invitation is linked to their OpenApp account by it
 * (src/queue/person-link-store.ts), so the same row gives the same key night after night.
 *
 * Worked out when asked, not stored on the record: only the few records a plan shows need one,
 * and a string kept for each of a large export's hundreds of thousands of records is a tenth of
 * what the garbage collector must carry through a plan.
 */
import type { ResidentRecord } from './resident-record.js';

type KeyedFields = Pick<
  ResidentRecord,
  'integrationId' | 'property' | 'unit' | 'leaseId' | 'personId' | 'email' | 'phone' | 'name'
>;

export function recordKey(r: KeyedFields): string {
  return [
    r.integrationId,
    r.property ?? '',
    r.unit,
    r.leaseId ?? '',
    r.personId ?? r.email ?? r.phone ?? r.name.toLowerCase(),
  ].join('|');
}
