/**
 * Is this webhook delivery really from the PMS, and is it fresh? A pure check over the headers,
 * the raw body bytes and a clock reading passed in; no I/O.
 *
 * Schemes:
 * - `standard`: Standard Webhooks (https://www.standardwebhooks.com). Headers `webhook-id`,
 *   `webhook-timestamp` (unix seconds) and `webhook-signature`, a space-separated list of
 *   `v1,<base64 HMAC-SHA256>` entries (other versions are ignored); the signed content is
 *   `${id}.${timestamp}.${body}`. A secret written `whsec_<base64>` is the base64-decoded key; a
 *   secret without that prefix is used as its UTF-8 bytes. (The official libraries base64-decode an
 *   unprefixed secret too: paste the secret with its `whsec_` prefix.)
 * - `buildium`: `buildium-webhook-signature` = base64(HMAC-SHA256(secret, timestamp + "." + body)),
 *   timestamp from `buildium-webhook-timestamp`. Buildium's public material does not settle whether
 *   that timestamp is in seconds or milliseconds, so both are accepted: a value above 1e12 is
 *   milliseconds. The signature covers the header text as sent, so the unit only matters for the
 *   freshness check.
 * - `hmac`: a configurable HMAC (see `hmacSchemeSchema`). Secrets are used as their UTF-8 bytes.
 *
 * Several secrets may be given (rotation): a delivery is genuine if any secret matches any
 * signature. Every secret is compared with every candidate signature in constant time
 * (`timingSafeEqual` on equal-length digests, results combined without short-circuiting).
 *
 * Order of checks: headers present, then well-formed, then the signature, then the timestamp. So
 * `stale` and `future` are only ever said of genuine deliveries (a late retry, a skewed clock or a
 * replay), and anything forged is `bad_signature`. Timestamps may be at most `tolerance` away from
 * `nowMs` either way (300 s unless an `hmac` scheme says otherwise; exactly 300 s is accepted).
 *
 * Delivery id (for de-duplication): the id header's value when the scheme has one (for `hmac`
 * schemes that do not sign `{id}`, the id is not authenticated: a replay inside the tolerance with a
 * new id is not recognised as a repeat). Otherwise `sha256:` + hex SHA-256 of `${timestamp}.${body}`
 * (of the body alone when there is no timestamp either): the same delivery replayed is recognised,
 * while two separate events with identical bodies are not merged, at the price that a retry the PMS
 * re-signs with a new timestamp counts as new (it only costs one more sync of the feed).
 *
 * Rejection messages name headers and limits, never a secret or a signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  fieldsOf,
  parseSignedContent,
  updateWithSignedContent,
  type SignedContentPart,
} from './signed-content.js';
import type { HmacScheme, WebhookScheme } from './webhook-config.js';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The Standard Webhooks headers. */
export const STANDARD_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The Standard Webhooks signed content. */
export const STANDARD_SIGNED_CONTENT = '{id}.{timestamp}.{body}';

/** Buildium, as a configurable scheme. */
export const BUILDIUM_SCHEME: HmacScheme = {
  signature_header: 'buildium-webhook-signature',
  timestamp_header: 'buildium-webhook-timestamp',
  signed_content: '{timestamp}.{body}',
  encoding: 'base64',
  algorithm: 'sha256',
};

/** Longest delivery id accepted from an id header (it ends up in a Redis key and in logs). */
export const MAX_DELIVERY_ID_LENGTH = 256;

/** Timestamps above this are milliseconds (where a scheme allows both units). */
const MILLISECONDS_ABOVE = 1e12;

export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type WebhookRejection = 'missing_headers' | 'bad_signature' | 'stale' | 'future' | 'malformed';

export type WebhookVerdict =
  | {
      ok: true;
      /** What identifies this delivery for de-duplication (see the module comment). */
      deliveryId: string;
      /** The delivery's timestamp in unix seconds, or null when the scheme has none. */
      timestamp: number | null;
    }
  | { ok: false; reason: WebhookRejection; message: string };

/** The configured secrets cannot be used (none, or a `whsec_` secret that is not base64). */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/**
 * Checks one delivery. `secrets` are the configured secrets (several during a rotation); `headers`
 * as Node gives them (a header given as an array counts by its first value); `rawBody` the exact
 * bytes received; `nowMs` the current time in milliseconds.
 *
 * @throws WebhookSecretError when `secrets` is empty or holds an unusable secret: that is a
 * configuration problem, not a bad delivery. Call `decodeWebhookSecrets` at start to find it early.
 */
export function verifyWebhook(
  scheme: WebhookScheme,
  secrets: readonly string[],
  headers: WebhookHeaders,
  rawBody: Buffer,
  nowMs: number,
): WebhookVerdict {
  return verifyWithProfile(profileOf(scheme), decodeWebhookSecrets(scheme, secrets), headers, rawBody, nowMs);
}

/**
 * The HMAC keys for a scheme's secrets: `whsec_<base64>` decoded for `standard`, UTF-8 bytes
 * otherwise.
 *
 * @throws WebhookSecretError naming the secret by position, never by content.
 */
export function decodeWebhookSecrets(scheme: WebhookScheme, secrets: readonly string[]): Buffer[] {
  if (secrets.length === 0) throw new WebhookSecretError('no webhook secret is configured');
  return secrets.map((secret, i) => {
    const which = `webhook secret ${i + 1} of ${secrets.length}`;
    if (secret.length === 0) throw new WebhookSecretError(`${which} is empty`);
    if (scheme.scheme !== 'standard' || !secret.startsWith('whsec_')) return Buffer.from(secret, 'utf8');
    const key = decodeBase64(secret.slice('whsec_'.length));
    if (!key || key.length === 0)
      throw new WebhookSecretError(`${which} starts with "whsec_" but what follows is not base64`);
    return key;
  });
}

/** How one scheme is read: headers, signed content, signature format, clock rules. */
interface Profile {
  signatureHeader: string;
  timestampHeader: string | undefined;
  idHeader: string | undefined;
  parts: SignedContentPart[];
  algorithm: 'sha256' | 'sha1';
  toleranceSeconds: number;
  /** Whether a timestamp above 1e12 is read as milliseconds (else always seconds). */
  allowMilliseconds: boolean;
  /** The candidate signatures in the signature header, or why there are none. */
  candidates: (value: string, digestLength: number) => Buffer[] | string;
}

function profileOf(scheme: WebhookScheme): Profile {
  if (scheme.scheme === 'standard') {
    return {
      signatureHeader: STANDARD_HEADERS.signature,
      timestampHeader: STANDARD_HEADERS.timestamp,
      idHeader: STANDARD_HEADERS.id,
      parts: partsOf(STANDARD_SIGNED_CONTENT),
      algorithm: 'sha256',
      toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
      allowMilliseconds: false,
      candidates: standardCandidates,
    };
  }
  const hmac = scheme.scheme === 'buildium' ? BUILDIUM_SCHEME : scheme.hmac;
  const parts = partsOf(hmac.signed_content);
  const fields = fieldsOf(parts);
  // The config schema refuses these; a scheme built in code could still get here.
  if (fields.has('timestamp') && !hmac.timestamp_header)
    throw new TypeError('signed_content uses {timestamp} but the scheme has no timestamp_header');
  if (fields.has('id') && !hmac.id_header)
    throw new TypeError('signed_content uses {id} but the scheme has no id_header');
  return {
    signatureHeader: hmac.signature_header,
    timestampHeader: hmac.timestamp_header,
    idHeader: hmac.id_header,
    parts,
    algorithm: hmac.algorithm,
    toleranceSeconds: hmac.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS,
    allowMilliseconds: true,
    candidates: (value, digestLength) => singleCandidate(hmac, value, digestLength),
  };
}

function verifyWithProfile(
  profile: Profile,
  keys: readonly Buffer[],
  headers: WebhookHeaders,
  body: Buffer,
  nowMs: number,
): WebhookVerdict {
  const signature = headerValue(headers, profile.signatureHeader);
  const timestamp = profile.timestampHeader ? headerValue(headers, profile.timestampHeader) : undefined;
  const id = profile.idHeader ? headerValue(headers, profile.idHeader) : undefined;
  const missing: string[] = [];
  if (signature === undefined) missing.push(profile.signatureHeader);
  if (profile.timestampHeader !== undefined && timestamp === undefined) missing.push(profile.timestampHeader);
  if (profile.idHeader !== undefined && id === undefined) missing.push(profile.idHeader);
  if (signature === undefined || missing.length > 0)
    return reject('missing_headers', `missing header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

  if (id !== undefined && (id.length > MAX_DELIVERY_ID_LENGTH || /\p{Cc}/u.test(id)))
    return reject(
      'malformed',
      `${profile.idHeader} must be at most ${MAX_DELIVERY_ID_LENGTH} characters without control characters`,
    );
  let timestampMs: number | undefined;
  if (timestamp !== undefined) {
    timestampMs = parseTimestamp(timestamp, profile.allowMilliseconds);
    if (timestampMs === undefined)
      return reject(
        'malformed',
        `${profile.timestampHeader} is not a unix time in ${profile.allowMilliseconds ? 'seconds or milliseconds' : 'seconds'}`,
      );
  }
  const digestLength = profile.algorithm === 'sha1' ? 20 : 32;
  const candidates = profile.candidates(signature, digestLength);
  if (typeof candidates === 'string') return reject('malformed', `${profile.signatureHeader} ${candidates}`);

  let matched = false;
  for (const key of keys) {
    const expected = updateWithSignedContent(createHmac(profile.algorithm, key), profile.parts, {
      id,
      timestamp,
      body,
    }).digest();
    for (const candidate of candidates) {
      // No short-circuit: every secret is tried against every candidate whatever matched before.
      const equal = candidate.length === expected.length && timingSafeEqual(candidate, expected);
      matched = equal || matched;
    }
  }
  if (!matched)
    return reject(
      'bad_signature',
      `${profile.signatureHeader} does not match the body with any configured secret`,
    );

  if (timestampMs !== undefined) {
    const toleranceMs = profile.toleranceSeconds * 1000;
    const ageMs = nowMs - timestampMs;
    if (ageMs > toleranceMs)
      return reject(
        'stale',
        `${profile.timestampHeader} is ${Math.ceil(ageMs / 1000)} s old; at most ${profile.toleranceSeconds} s is accepted`,
      );
    if (-ageMs > toleranceMs)
      return reject(
        'future',
        `${profile.timestampHeader} is ${Math.ceil(-ageMs / 1000)} s ahead of our clock; at most ${profile.toleranceSeconds} s is accepted`,
      );
  }

  return {
    ok: true,
    deliveryId: id ?? bodyDeliveryId(timestamp, body),
    timestamp: timestampMs === undefined ? null : Math.floor(timestampMs / 1000),
  };
}

/** `v1,<base64>` entries separated by spaces; other versions are ignored, as the spec says. */
function standardCandidates(value: string, digestLength: number): Buffer[] | string {
  const candidates: Buffer[] = [];
  for (const entry of value.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const decoded = decodeBase64(entry.slice(comma + 1));
    if (decoded?.length === digestLength) candidates.push(decoded);
  }
  return candidates.length > 0 ? candidates : 'holds no v1 signature (expected "v1,<base64>" entries)';
}

/** One signature, after an optional prefix such as `sha256=`. */
function singleCandidate(scheme: HmacScheme, value: string, digestLength: number): Buffer[] | string {
  let text = value;
  if (scheme.prefix !== undefined) {
    if (!text.startsWith(scheme.prefix)) return `does not start with "${scheme.prefix}"`;
    text = text.slice(scheme.prefix.length).trim();
  }
  const decoded = scheme.encoding === 'hex' ? decodeHex(text) : decodeBase64(text);
  if (decoded?.length !== digestLength)
    return `is not a ${scheme.encoding} HMAC-${scheme.algorithm.toUpperCase()} (${digestLength} bytes)`;
  return [decoded];
}

/** `sha256:` + SHA-256 of `${timestamp}.${body}`, or of the body alone without a timestamp. */
function bodyDeliveryId(timestamp: string | undefined, body: Buffer): string {
  const hash = createHash('sha256');
  if (timestamp !== undefined) hash.update(`${timestamp}.`, 'utf8');
  return `sha256:${hash.update(body).digest('hex')}`;
}

/** Milliseconds since the epoch, from whole unix seconds (or milliseconds above 1e12, if allowed). */
function parseTimestamp(text: string, allowMilliseconds: boolean): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return allowMilliseconds && n > MILLISECONDS_ABOVE ? n : n * 1000;
}

/** A header's value, looked up case-insensitively; the first of several; trimmed; empty = absent. */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: string | string[] | undefined;
  if (Object.hasOwn(headers, lower)) value = headers[lower];
  else {
    for (const [key, v] of Object.entries(headers)) {
      if (key.toLowerCase() === lower) {
        value = v;
        break;
      }
    }
  }
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  const trimmed = first.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Standard or URL-safe base64, padding optional; undefined when it is not base64 at all. */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function decodeHex(text: string): Buffer | undefined {
  return /^(?:[0-9A-Fa-f]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

function partsOf(template: string): SignedContentPart[] {
  const parsed = parseSignedContent(template);
  if (!parsed.ok) throw new TypeError(`signed_content "${template}" ${parsed.error}`);
  return parsed.parts;
}

function reject(reason: WebhookRejection, message: string): WebhookVerdict {
  return { ok: false, reason, message };
}
