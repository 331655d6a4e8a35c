/**
 * `POST /webhooks/{feed}`: a PMS tells us something changed. The signature is checked over the raw
 * body, a delivery is processed once (72 h), and the answer comes right after the run is queued:
 * 202 accepted, 200 for a repeat, 401 bad signature or timestamp, 400 / 422 bad body, 413 too
 * large, 503 when Redis is away (so the PMS retries). A rejected delivery enqueues nothing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpServerDeps } from './http-server.js';
import { compileBuildingRules } from '../mappings/building-rules.js';
import { enqueueRun } from '../queue/enqueue-run.js';
import { scopeOfEvent, UnknownEventError } from './webhook-event.js';
import { verifyWebhook } from './webhook-signature.js';

/** How long a delivery id is remembered: longer than any PMS retry schedule (Buildium's ends at 1 h). */
const DEDUPE_SECONDS = 72 * 3600;
const DEFAULT_MAX_BODY = 256 * 1024;

export function registerWebhookRoutes(app: FastifyInstance, deps: HttpServerDeps): void {
  const maxBody = Math.max(
    DEFAULT_MAX_BODY,
    ...[...deps.feeds.values()].map((f) => f.config.webhooks?.max_body_bytes ?? DEFAULT_MAX_BODY),
  );
  const resolvers = new Map(
    [...deps.feeds].map(([name, feed]) => [name, compileBuildingRules(feed.mapping)]),
  );

  app.register(async (scope) => {
    // The signature covers the exact bytes sent: keep them, parse JSON ourselves afterwards.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, (_req, body, done) =>
      done(null, body),
    );

    scope.post('/webhooks/:feed', { bodyLimit: maxBody }, async (req, reply) => {
      const { feed: name } = req.params as { feed: string };
      const feed = deps.feeds.get(name);
      const config = feed?.config.webhooks;
      const count = (outcome: string) =>
        deps.metrics.webhooks.inc({ feed: feed ? name : 'unknown', outcome });
      if (!feed || !config) {
        count('unknown_feed');
        return reply.code(404).send({ message: `no feed "${name}" takes webhooks` });
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (raw.length > (config.max_body_bytes ?? DEFAULT_MAX_BODY)) {
        count('too_large');
        return reply.code(413).send({ message: 'body too large' });
      }
      const secrets = (deps.env[config.secret_env] ?? '').split(/[\s,]+/).filter(Boolean);
      if (secrets.length === 0) {
        count('misconfigured');
        req.log.error({ feed: name, variable: config.secret_env }, 'webhook secret variable is empty');
        return reply.code(503).send({ message: 'webhooks are not configured on this server' });
      }
      const verdict = verifyWebhook(config, secrets, req.headers, raw, Date.now());
      if (!verdict.ok) {
        count(`rejected_${verdict.reason}`);
        return reply.code(401).send({ message: verdict.message });
      }

      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        count('bad_json');
        return reply.code(400).send({ message: 'the body is not valid JSON' });
      }
      let target;
      try {
        target = scopeOfEvent(body, feed.buildings, resolvers.get(name) ?? (() => undefined));
      } catch (err) {
        if (!(err instanceof UnknownEventError)) throw err;
        count('unknown_event');
        return reply.code(422).send({ message: err.message });
      }

      return withRedis(reply, async () => {
        const key = `${deps.prefix}:webhook:${name}:${verdict.deliveryId}`;
        if (await deps.redis.exists(key)) {
          count('duplicate');
          return reply.code(200).send({ duplicate: true });
        }
        // Queued first, remembered second: a delivery that failed to queue can be retried.
        const { runId } = await enqueueRun(deps.queues.feedsQueue, deps.queues.runs, {
          feed: name,
          building: target.kind === 'building' ? target.integrationId : null,
          trigger: 'webhook',
          actor: `webhook:${verdict.deliveryId}`,
          dryRun: false,
        });
        await deps.redis.set(key, runId, 'EX', DEDUPE_SECONDS);
        count('accepted');
        return reply.code(202).send({
          run_id: runId,
          scope: target.kind === 'building' ? { building: target.integrationId } : { feed: name },
          event: target.event,
        });
      });
    });
  });
}

/** Redis away: 503 so the PMS delivers again later. */
async function withRedis(reply: FastifyReply, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (err) {
    reply.log.warn({ err: { message: (err as Error).message } }, 'webhook not queued: Redis unavailable');
    return reply
      .code(503)
      .header('retry-after', '30')
      .send({ message: 'temporarily unavailable, retry later' });
  }
}
