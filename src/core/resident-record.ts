/**
 * The canonical resident record: what every source (CSV export, database, webhook) becomes after
 * its mapping, whatever the PMS. One record is one person on one lease in one unit.
 */
import { z } from 'zod';

/** A calendar date in the property's time zone, `YYYY-MM-DD`. PMS dates carry no time. */
export const calendarDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
export type CalendarDate = z.infer<typeof calendarDateSchema>;

/**
 * What the PMS status means for access, after the mapping's vocabulary:
 * - current, notice: living there (notice keeps access until the move-out date);
 * - future: moving in (access from move-in minus the lead days);
 * - past: gone (access only until move-out plus the grace days);
 * - eviction: decided by the mapping's eviction policy, never by default;
 * - inactive: a row that never grants access (vacant, applicant, cancelled, denied);
 * - review: a value the mapping does not know: kept and reported, never granted or removed.
 */
export const RESIDENT_STATUSES = [
  'current',
  'notice',
  'future',
  'past',
  'eviction',
  'inactive',
  'review',
] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export const residentRecordSchema = z.object({
  /** Where in the source the record came from, e.g. line number of the CSV row. */
  line: z.number().int().positive(),
  personId: z.string().min(1).optional(),
  leaseId: z.string().min(1).optional(),
  property: z.string().optional(),
  unit: z.string().min(1),
  /** The OpenApp integration (building) this unit belongs to. */
  integrationId: z.string().min(1),
  name: z.string().min(1),
  /** Lower-cased, trimmed. */
  email: z.email().optional(),
  /** E.164 when it could be normalised, else as written. */
  phone: z.string().min(1).optional(),
  status: z.enum(RESIDENT_STATUSES),
  /** The status exactly as the PMS wrote it, for reports. */
  rawStatus: z.string(),
  moveIn: calendarDateSchema.optional(),
  moveOut: calendarDateSchema.optional(),
  leaseStart: calendarDateSchema.optional(),
  leaseEnd: calendarDateSchema.optional(),
  /** When the PMS (or a link made on an accepted invitation) knows the OpenApp user. */
  openappUserId: z.string().min(1).optional(),
});
export type ResidentRecord = z.infer<typeof residentRecordSchema>;

/** A source row that could not become a record. It never causes anyone's removal. */
export interface RejectedRow {
  line: number;
  errors: string[];
  /** What identifies the person the row describes, when it could be read: protects them from removal. */
  identifies?: { email?: string; personId?: string; openappUserId?: string; integrationId?: string };
}
