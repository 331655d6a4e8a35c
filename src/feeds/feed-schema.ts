/**
 * The feeds file (FEEDS_FILE): each feed is one configured data flow: a mapping, a source, the
 * buildings it covers, when it runs, and its safety limits. Paths are relative to the feeds file.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { webhookConfigSchema } from '../http/webhook-config.js';

const nonEmpty = z.string().trim().min(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time as HH:MM');

/** Overrides of the mapping's `policy.guards`, plus the one guard that needs history. */
export const feedGuardsSchema = z.strictObject({
  max_removals: z.number().int().min(0).optional(),
  max_removal_percent: z.number().min(0).max(100).optional(),
  max_rejected_percent: z.number().min(0).max(100).optional(),
  /** Hold the run when the source has this much fewer rows than the last good run (percent). */
  max_shrink_percent: z.number().min(0).max(100).default(30),
});

export const invitationPolicySchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Resend when a pending invitation expires within this many hours. */
  reminder_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(24),
  max_sends: z.number().int().min(1).max(10).default(3),
  min_interval_hours: z.number().min(0).default(24),
  /** Invitations go out only between these local times of the property. */
  sending_hours: z.strictObject({ start: hhmm, end: hhmm }).default({ start: '09:00', end: '20:00' }),
});

export const feedSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'use lower-case letters, digits and dashes (it names queues and keys)',
    ),
  description: z.string().optional(),
  mapping: nonEmpty,
  source: z.strictObject({ csv: nonEmpty }),
  /** Integration ids this feed may change; default: every building in the mapping's table. */
  buildings: z.array(nonEmpty).min(1).optional(),
  schedule: z
    .strictObject({
      /** Cron expression (5 fields, or 6 with seconds), in `time_zone`. */
      cron: nonEmpty,
      time_zone: nonEmpty.refine((tz) => IANAZone.isValidZone(tz), { message: 'not an IANA time zone' }),
    })
    .optional(),
  guards: feedGuardsSchema.prefault({}),
  invitations: invitationPolicySchema.prefault({}),
  /** How this feed's PMS signs webhooks (`POST /webhooks/{name}`); absent: the feed takes none. */
  webhooks: webhookConfigSchema.optional(),
});

export const feedsFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    feeds: z.array(feedSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.feeds.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({ code: 'custom', path: ['feeds', i, 'name'], message: `"${f.name}" is used twice` });
      seen.add(f.name);
    });
  });

export type FeedConfig = z.output<typeof feedSchema>;
export type FeedGuards = z.output<typeof feedGuardsSchema>;
export type InvitationPolicy = z.output<typeof invitationPolicySchema>;
