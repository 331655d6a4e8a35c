/**
 * The messages between bench/webhook-throughput.ts and a server side it runs in a child process
 * (bench/webhook-throughput/serve-side.ts), over Node's IPC channel:
 *   parent -> child  { type: 'start', input }   child -> parent  { type: 'ready', port }
 *   parent -> child  { type: 'mark' }           child -> parent  { type: 'marked' }
 *   parent -> child  { type: 'stop' }           child -> parent  { type: 'report', report }
 * `mark` starts the measured window (after the warm-up); the report covers mark to stop.
 */
import { z } from 'zod';

export const sideInputSchema = z.discriminatedUnion('side', [
  /** A bare fastify route answering 202: what HTTP on this machine costs without pms-sync's work. */
  z.strictObject({ side: z.literal('bare') }),
  /** pms-sync's HTTP service as `pms-sync server` builds it, logging JSON to stdout at `logLevel`. */
  z.strictObject({
    side: z.literal('webhook'),
    feedsFile: z.string(),
    redisUrl: z.string(),
    prefix: z.string(),
    apiRoot: z.string(),
    apiKey: z.string(),
    orgId: z.string(),
    logLevel: z.enum(['info', 'warn']),
  }),
]);
export type SideInput = z.infer<typeof sideInputSchema>;

export const sideReportSchema = z.strictObject({
  /** CPU time of the server process in the measured window, ms. */
  cpuUserMs: z.number(),
  cpuSystemMs: z.number(),
  /** Wall time of the measured window as the child saw it, ms. */
  wallMs: z.number(),
  maxRssKiB: z.number(),
  /** Webhook side: pms_sync_webhook_deliveries_total by outcome, counted in the measured window. */
  outcomes: z.record(z.string(), z.number()),
});
export type SideReport = z.infer<typeof sideReportSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), input: sideInputSchema }),
  z.strictObject({ type: z.literal('mark') }),
  z.strictObject({ type: z.literal('stop') }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const childMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), port: z.number() }),
  z.strictObject({ type: z.literal('marked') }),
  z.strictObject({ type: z.literal('report'), report: sideReportSchema }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
