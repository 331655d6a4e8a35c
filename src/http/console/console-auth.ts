/**
 * Who may use the console: sign-in with the admin token (checked in constant time) opens a
 * session; every other console route needs one, and every POST must also be same-origin and
 * carry the session's CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAdminToken } from '../admin-auth.js';
import { CSRF_FIELD, crossSiteReason, csrfTokenMatches } from './csrf.js';
import {
  SESSION_COOKIE,
  clearedSessionCookie,
  readCookie,
  sessionCookie,
  type ConsoleSession,
  type SessionStore,
} from './console-session.js';
import { signInPage } from './sign-in-page.js';

const sessions = new WeakMap<FastifyRequest, ConsoleSession>();

/** The session of a request that passed the guard. */
export function sessionOf(req: FastifyRequest): ConsoleSession {
  const session = sessions.get(req);
  if (!session) throw new Error('unreachable: a console route outside the session guard');
  return session;
}

/** A field of a url-encoded form body. */
export function formField(req: FastifyRequest, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Sign-in attempts per client address, in this server process: enough for a person who mistypes,
 * too few to guess a token. The answer past the limit is the console's error page (429).
 */
const SIGN_IN_LIMIT = {
  max: 10,
  timeWindow: '5 minutes',
  errorResponseBuilder: (_req: unknown, context: { after: string }) => ({
    statusCode: 429,
    message: `Too many sign-in attempts from this address: try again in ${context.after}.`,
  }),
};

export function registerSignIn(
  scope: FastifyInstance,
  deps: { sessions: SessionStore; adminToken: string },
): void {
  scope.get('/sign-in', async (req, reply) => {
    const next = safeNext((req.query as { next?: unknown }).next);
    if (await deps.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE)))
      return reply.redirect(next, 303);
    return sendHtml(reply, 200, signInPage({ next }));
  });

  scope.post('/sign-in', { config: { rateLimit: SIGN_IN_LIMIT } }, async (req, reply) => {
    const crossSite = crossSiteReason(req);
    if (crossSite) return refuse(reply, 403, `cross-site sign-in refused (${crossSite})`);
    const next = safeNext(formField(req, 'next'));
    if (!isAdminToken(formField(req, 'token') ?? '', deps.adminToken)) {
      req.log.warn('console sign-in with a wrong token');
      return sendHtml(reply, 401, signInPage({ next, error: 'That is not the admin token.' }));
    }
    // A new id at every sign-in; the session this browser had before ends.
    await deps.sessions.delete(readCookie(req.headers.cookie, SESSION_COOKIE));
    const actor = actorName(formField(req, 'name'));
    const { id } = await deps.sessions.create(actor);
    req.log.info({ actor }, 'console sign-in');
    return reply.header('set-cookie', sessionCookie(id, req.protocol === 'https')).redirect(next, 303);
  });
}

/** Everything registered in `scope` after this needs a session; POSTs also a same-origin CSRF token. */
export function guardWithSession(
  scope: FastifyInstance,
  deps: { sessions: SessionStore },
  signOutPath = '/sign-out',
): void {
  scope.addHook('onRequest', async (req, reply) => {
    const session = await deps.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!session) {
      if (req.method === 'GET') return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
      return refuse(reply, 401, 'sign in first');
    }
    sessions.set(req, session);
  });
  // After body parsing: the CSRF token is a form field.
  scope.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    const crossSite = crossSiteReason(req);
    if (crossSite) return refuse(reply, 403, `cross-site request refused (${crossSite})`);
    if (!csrfTokenMatches(sessionOf(req).csrf, formField(req, CSRF_FIELD)))
      return refuse(reply, 403, 'the form is stale or forged: reload the page and try again');
  });

  scope.post(signOutPath, async (req, reply) => {
    await deps.sessions.delete(readCookie(req.headers.cookie, SESSION_COOKIE));
    return reply
      .header('set-cookie', clearedSessionCookie(req.protocol === 'https'))
      .redirect('/sign-in', 303);
  });
}

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(message);
}

/** Only a path on this site: `next` must never send a signed-in user elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !next.startsWith('/sign-in') ? next : '/';
}

/** What the session's actions are recorded as: `console`, or `console:<name>`. */
function actorName(name: string | undefined): string {
  const clean = (name ?? '')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
  return clean ? `console:${clean}` : 'console';
}
