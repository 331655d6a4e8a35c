/** What the parent sends a measured side of database-throughput (stdin) and what the side reports back. */
import { z } from 'zod';

export const sideInputSchema = z.discriminatedUnion('side', [
  /** The query's rows through a bare `COPY (query) TO STDOUT`, counted. */
  z.strictObject({ side: z.literal('copy'), url: z.string(), sql: z.string() }),
  /** readDatabaseExport + plan() against OpenApp's users as the generator describes them. */
  z.strictObject({ side: z.literal('plan'), url: z.string(), mappingFile: z.string(), now: z.number() }),
]);
export type SideInput = z.infer<typeof sideInputSchema>;

const memorySchema = z.strictObject({ rssKiB: z.number(), heapUsedKiB: z.number() });

export const sideReportSchema = z.strictObject({
  side: z.enum(['copy', 'plan']),
  /** Rows of the query's result the side went through. */
  rows: z.number(),
  /** From the start of the work to its result (process start-up, modules and setup excluded). */
  ms: z.number(),
  /** RSS when the work started (the plan side: with OpenApp's users already built). */
  startRssKiB: z.number(),
  /** process.resourceUsage().maxRSS at the end: the process's peak. */
  maxRssKiB: z.number(),
  /** Plan side: where the time went (ms), memory after the read, and the plan's counts. */
  phases: z.strictObject({ read: z.number(), plan: z.number() }).optional(),
  afterRead: memorySchema.optional(),
  counts: z
    .strictObject({
      records: z.number(),
      rejected: z.number(),
      add: z.number(),
      remove: z.number(),
      invite: z.number(),
      unchanged: z.number(),
      heldBuildings: z.number(),
    })
    .optional(),
});
export type SideReport = z.infer<typeof sideReportSchema>;
