/**
 * The `signed_content` template of a configurable HMAC scheme: which bytes the PMS signs, written
 * over the placeholders `{id}`, `{timestamp}` and `{body}`, e.g. `{timestamp}.{body}`. Everything
 * else is literal text. `{id}` and `{timestamp}` stand for the header values exactly as received;
 * `{body}` for the raw body bytes, never re-encoded.
 */
import type { Hmac } from 'node:crypto';

export const SIGNED_CONTENT_FIELDS = ['id', 'timestamp', 'body'] as const;
export type SignedContentField = (typeof SIGNED_CONTENT_FIELDS)[number];

export type SignedContentPart = { literal: string } | { field: SignedContentField };

export type ParsedSignedContent = { ok: true; parts: SignedContentPart[] } | { ok: false; error: string };

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Splits a template into literal text and placeholders; `{body}` must appear exactly once. */
export function parseSignedContent(template: string): ParsedSignedContent {
  const parts: SignedContentPart[] = [];
  let at = 0;
  let bodies = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!isField(name)) {
      return {
        ok: false,
        error: `unknown placeholder {${name}}: use ${SIGNED_CONTENT_FIELDS.map((f) => `{${f}}`).join(', ')}`,
      };
    }
    if (m.index > at) parts.push({ literal: template.slice(at, m.index) });
    parts.push({ field: name });
    if (name === 'body') bodies += 1;
    at = m.index + m[0].length;
  }
  if (at < template.length) parts.push({ literal: template.slice(at) });
  if (bodies !== 1) return { ok: false, error: 'must contain {body} exactly once' };
  return { ok: true, parts };
}

/** The fields a template refers to. */
export function fieldsOf(parts: readonly SignedContentPart[]): Set<SignedContentField> {
  return new Set(parts.flatMap((p) => ('field' in p ? [p.field] : [])));
}

export interface SignedContentValues {
  id?: string | undefined;
  timestamp?: string | undefined;
  body: Buffer;
}

/** Feeds the signed content into an HMAC piece by piece (the body is not copied). */
export function updateWithSignedContent(
  hmac: Hmac,
  parts: readonly SignedContentPart[],
  values: SignedContentValues,
): Hmac {
  for (const part of parts) {
    if ('literal' in part) hmac.update(part.literal, 'utf8');
    else if (part.field === 'body') hmac.update(values.body);
    else {
      const value = values[part.field];
      // Callers check the scheme first; reaching this is a programming error, not a bad request.
      if (value === undefined)
        throw new TypeError(`signed content needs {${part.field}} but it has no value`);
      hmac.update(value, 'utf8');
    }
  }
  return hmac;
}

function isField(name: string): name is SignedContentField {
  return (SIGNED_CONTENT_FIELDS as readonly string[]).includes(name);
}
