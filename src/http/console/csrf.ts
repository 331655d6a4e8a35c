/**
 * Protection of the console's forms against cross-site requests, two ways: the browser must say
 * the request comes from this origin (Sec-Fetch-Site / Origin), and the form must carry the
 * session's CSRF token. The SameSite=Strict cookie is a third line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const CSRF_FIELD = '_csrf';

/** Why the request is not same-origin, or undefined when it is (or the browser says nothing). */
export function crossSiteReason(req: FastifyRequest): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site: ${String(site)}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `Origin: ${origin}`;
  }
  // req.host honours X-Forwarded-Host behind a proxy (trustProxy), like the browser's address bar.
  return host === req.host ? undefined : `Origin: ${origin}`;
}

export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
