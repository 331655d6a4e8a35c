/**
 * The ops console at `/`: server-rendered pages over the same actions as the ops API (runs,
 * approvals, triggers, invitations), for people in a browser rather than a terminal. This file
 * sets up the console's scope: form bodies, security headers, errors, assets, who may enter.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Feed } from '../../feeds/load-feeds.js';
import type { OpenAppClient } from '../../openapp/openapp-client.js';
import type { QueueClient } from '../../queue/queue-client.js';
import { registerActions } from './console-actions.js';
import { CONSOLE_CSS, CONSOLE_JS } from './console-assets.js';
import { guardWithSession, registerSignIn, sendHtml } from './console-auth.js';
import { registerPages } from './console-pages.js';
import { SessionStore } from './console-session.js';
import { Directory } from './format.js';
import { html } from './html.js';
import { page } from './layout.js';

export interface ConsoleDeps {
  feeds: ReadonlyMap<string, Feed>;
  queues: QueueClient;
  client: OpenAppClient;
  adminToken: string;
  prefix: string;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const sessions = new SessionStore(deps.queues.redis, deps.prefix, deps.adminToken);
  const dir = new Directory(deps.feeds);
  app.register(async (scope) => {
    // Limits only the routes that ask for it (sign-in); kept in memory, per server process.
    await scope.register(rateLimit, { global: false });
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.addHook('onSend', async (_req, reply) => {
      reply.headers(SECURITY_HEADERS);
      // Pages hold residents' personal data: never cached.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
    scope.setErrorHandler((err, req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) req.log.error({ err }, 'console request failed');
      const text =
        status >= 500 ? 'The server could not do that. The log has the details.' : (err as Error).message;
      return sendHtml(
        reply,
        status,
        page(
          { title: 'Something went wrong' },
          html`<p>${text}</p>
            <p><a href="/">Back to the feeds</a></p>`,
        ),
      );
    });

    scope.get('/console.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(CONSOLE_CSS),
    );
    scope.get('/console.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=300').send(CONSOLE_JS),
    );
    registerSignIn(scope, { sessions, adminToken: deps.adminToken });

    scope.register(async (guarded) => {
      guardWithSession(guarded, { sessions });
      registerPages(guarded, deps, dir);
      registerActions(guarded, deps, dir);
    });
  });
}
