/**
 * A feed's `webhooks:` block in the feeds file: how its PMS signs deliveries. Secrets never live in
 * the feeds file: `secret_env` names an environment variable holding one or more secrets, separated
 * by spaces or commas (several at once while a secret is rotated).
 *
 * ```yaml
 * webhooks:
 *   scheme: standard            # Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature)
 *   secret_env: WEBHOOK_SECRET_MAPLE
 * ---
 * webhooks:
 *   scheme: buildium            # buildium-webhook-timestamp / buildium-webhook-signature
 *   secret_env: WEBHOOK_SECRET_BUILDIUM
 * ---
 * webhooks:
 *   scheme: hmac                # anything else signed with an HMAC
 *   secret_env: WEBHOOK_SECRET_ACME
 *   hmac:
 *     signature_header: x-acme-signature
 *     timestamp_header: x-acme-timestamp
 *     id_header: x-acme-delivery
 *     signed_content: '{timestamp}.{body}'
 *     encoding: hex
 *     prefix: 'sha256='
 * ```
 */
import { z } from 'zod';
import { fieldsOf, parseSignedContent } from './signed-content.js';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** An HTTP header name (RFC 9110 token); matched case-insensitively. */
const headerName = z
  .string()
  .trim()
  .min(1)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP header name');

/** A PMS that signs its own way: an HMAC over a template of id, timestamp and raw body. */
export const hmacSchemeSchema = z
  .strictObject({
    /** The header carrying the signature, e.g. `x-hub-signature-256`. */
    signature_header: headerName,
    /** The header carrying the send time: unix seconds, or milliseconds (a value above 1e12). */
    timestamp_header: headerName.optional(),
    /** The header carrying a unique delivery id, used to recognise repeats. */
    id_header: headerName.optional(),
    /** What is signed, over `{id}`, `{timestamp}` and `{body}`, e.g. `{timestamp}.{body}`. */
    signed_content: z.string().min(1),
    encoding: z.enum(['hex', 'base64']),
    algorithm: z.enum(['sha256', 'sha1']).default('sha256'),
    /** Text the signature header carries before the signature itself, e.g. `sha256=`. */
    prefix: z.string().min(1).optional(),
    /** How far the timestamp may be from our clock, either way (default 300 s). */
    tolerance_seconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional(),
  })
  .superRefine((scheme, ctx) => {
    const parsed = parseSignedContent(scheme.signed_content);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['signed_content'], message: parsed.error });
      return;
    }
    const fields = fieldsOf(parsed.parts);
    if (fields.has('timestamp') && !scheme.timestamp_header)
      ctx.addIssue({
        code: 'custom',
        path: ['timestamp_header'],
        message: 'signed_content uses {timestamp}: name the header that carries it',
      });
    if (fields.has('id') && !scheme.id_header)
      ctx.addIssue({
        code: 'custom',
        path: ['id_header'],
        message: 'signed_content uses {id}: name the header that carries it',
      });
    if (scheme.tolerance_seconds !== undefined && !scheme.timestamp_header)
      ctx.addIssue({
        code: 'custom',
        path: ['tolerance_seconds'],
        message: 'a tolerance needs timestamp_header',
      });
  });

const common = {
  /**
   * The environment variable holding the secret(s): never the secret itself. Its name starts with
   * WEBHOOK_SECRET so that the logger knows to hide its value (see src/config.ts).
   */
  secret_env: z
    .string()
    .regex(
      /^WEBHOOK_SECRET[A-Z0-9_]*$/,
      'an environment variable named WEBHOOK_SECRET..., e.g. WEBHOOK_SECRET_MAPLE',
    ),
  max_body_bytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(DEFAULT_MAX_BODY_BYTES),
};

/** A feed's `webhooks:` block. Add to `feedSchema` as `webhooks: webhookConfigSchema.optional()`. */
export const webhookConfigSchema = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('standard'), ...common }),
  z.strictObject({ scheme: z.literal('buildium'), ...common }),
  z.strictObject({ scheme: z.literal('hmac'), hmac: hmacSchemeSchema, ...common }),
]);

export type HmacScheme = z.output<typeof hmacSchemeSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
/** The part of a `webhooks:` block that says how deliveries are signed. */
export type WebhookScheme =
  { scheme: 'standard' } | { scheme: 'buildium' } | { scheme: 'hmac'; hmac: HmacScheme };

/** The secrets in a `secret_env` variable: split on spaces and commas, empty pieces dropped. */
export function splitSecrets(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
