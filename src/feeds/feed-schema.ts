/**
 * The feeds file (FEEDS_FILE): each feed is one configured data flow: a mapping, a source, the
 * buildings it covers, when it runs, and its safety limits. Paths are relative to the feeds file.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { webhookConfigSchema } from '../http/webhook-config.js';
import { parametersSchema } from '../mappings/database-section.js';
import { DATABASE_URL_ENV } from '../sources/database-url.js';

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

/**
 * A PMS database: the connection URL lives in the environment variable `url_env` names (never in
 * the file); its name ends in DATABASE_URL so the logs hide its password. What to read is in the
 * mapping's `database` section; `parameters` set or override its named parameters.
 */
export const databaseSourceSchema = z.strictObject({
  url_env: z
    .string()
    .regex(
      DATABASE_URL_ENV,
      'an environment variable whose name ends in DATABASE_URL, e.g. PMS_DATABASE_URL',
    ),
  parameters: parametersSchema.default({}),
});

const POLL_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `30s`, `5m`, `1h` -> milliseconds. */
export function pollIntervalMs(every: string): number {
  const m = /^(\d+)([smh])$/.exec(every.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * POLL_UNITS_MS[m[2] as keyof typeof POLL_UNITS_MS];
}

/** How often a database feed asks its PMS what changed (the mapping's `database.changed_since`). */
export const pollSchema = z.strictObject({
  every: z.string().refine((e) => pollIntervalMs(e) >= 10_000 && pollIntervalMs(e) <= 86_400_000, {
    message: 'expected an interval from 10s to 24h, such as 30s, 5m or 1h',
  }),
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
  /** A CSV export (`csv: path`) or a PMS database (`database: { url_env, parameters }`). */
  source: z.union([z.strictObject({ csv: nonEmpty }), z.strictObject({ database: databaseSourceSchema })]),
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
  /** Database feeds only: poll for changes and sync the buildings that changed. */
  poll: pollSchema.optional(),
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
export type DatabaseSourceConfig = z.output<typeof databaseSourceSchema>;
