/** What the parent sends a measured side of plan-throughput (stdin) and what the side reports back. */
import { z } from 'zod';

export const sideInputSchema = z.discriminatedUnion('side', [
  z.strictObject({ side: z.literal('bare'), csv: z.string() }),
  z.strictObject({
    side: z.literal('plan'),
    csv: z.string(),
    mappingFile: z.string(),
    apiRoot: z.string(),
    apiKey: z.string(),
    orgId: z.string(),
    now: z.number(),
  }),
]);
export type SideInput = z.infer<typeof sideInputSchema>;

const memorySchema = z.strictObject({ rssKiB: z.number(), heapUsedKiB: z.number() });

export const sideReportSchema = z.strictObject({
  side: z.enum(['bare', 'plan']),
  /** Data rows of the file the side went through (the header line not counted). */
  rows: z.number(),
  /** From the start of the work to its result, after the process started and its modules loaded. */
  ms: z.number(),
  /** RSS when the work started: Node, tsx and the loaded modules. */
  startRssKiB: z.number(),
  /** process.resourceUsage().maxRSS at the end: the process's peak. */
  maxRssKiB: z.number(),
  /**
   * Plan side: where the time went (ms), and the memory after the read, after the plan (garbage
   * included), and after a forced GC with the snapshot and the Plan still held (the live heap).
   */
  phases: z
    .strictObject({
      /** Mapping loaded, export read, OpenApp listed (and searches started) until both were done. */
      read: z.number(),
      /** Waiting for the users searches still running when the read ended. */
      searchesAfterRead: z.number(),
      /** planSync: the searches it still needed, then the pure planner. */
      planSync: z.number(),
    })
    .optional(),
  calls: z
    .strictObject({
      listBuildingUsers: z.number(),
      findUsersByEmail: z.number(),
      /** Users searches started before the read ended. */
      searchesDuringRead: z.number(),
      /** From the first search's start to the last one's answer. */
      searchSpanMs: z.number(),
    })
    .optional(),
  memory: z
    .strictObject({ afterRead: memorySchema, afterPlan: memorySchema, liveAfterPlan: memorySchema })
    .optional(),
  counts: z
    .strictObject({
      records: z.number(),
      rejected: z.number(),
      skipped: z.number(),
      add: z.number(),
      remove: z.number(),
      invite: z.number(),
      unchanged: z.number(),
      kept: z.number(),
      unmanaged: z.number(),
      review: z.number(),
      heldBuildings: z.number(),
    })
    .optional(),
});
export type SideReport = z.infer<typeof sideReportSchema>;
