/**
 * The ops API, behind the admin token: trigger a sync, list and show runs, approve or reject a
 * held run. The same actions as `pms-sync trigger` and `pms-sync runs`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Feed } from '../feeds/load-feeds.js';
import { enqueueRun } from '../queue/enqueue-run.js';
import { approveRun, rejectRun, RunStateError } from '../queue/run-actions.js';
import { RunNotFoundError } from '../queue/run-store.js';
import type { QueueClient } from '../queue/queue-client.js';
import { runJson } from '../sync/run-json.js';
import { invitationReport } from '../sync/invitation-report.js';
import { InvitationLedgerStore } from '../queue/invitation-ledger-store.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import { isAdmin } from './admin-auth.js';

const syncBody = z.strictObject({
  building: z.string().min(1).optional(),
  dry_run: z.boolean().default(false),
  actor: z.string().min(1).max(100).default('ops-api'),
});
const actorBody = z
  .strictObject({ actor: z.string().min(1).max(100).default('ops-api') })
  .default({ actor: 'ops-api' });

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    feeds: ReadonlyMap<string, Feed>;
    queues: QueueClient;
    adminToken: string;
    client: OpenAppClient;
    prefix: string;
  },
): void {
  app.register(async (api) => {
    api.addHook('onRequest', async (req, reply) => {
      if (!isAdmin(req.headers.authorization, deps.adminToken)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ message: 'admin token required' });
      }
    });
    api.setErrorHandler((err, _req, reply) => {
      if (err instanceof RunNotFoundError) return reply.code(404).send({ message: err.message });
      if (err instanceof RunStateError) return reply.code(409).send({ message: err.message });
      if (err instanceof z.ZodError) {
        return reply
          .code(400)
          .send({ message: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
      }
      const status = (err as { statusCode?: number }).statusCode;
      if (status && status < 500) return reply.code(status).send({ message: (err as Error).message });
      throw err;
    });

    api.post('/api/feeds/:feed/sync', async (req, reply) => {
      const { feed } = req.params as { feed: string };
      const body = syncBody.parse(req.body ?? {});
      const config = deps.feeds.get(feed);
      if (!config) return reply.code(404).send({ message: `no feed named "${feed}"` });
      if (body.building && !config.buildings.includes(body.building)) {
        return reply.code(422).send({ message: `feed ${feed} does not cover building ${body.building}` });
      }
      const { runId } = await enqueueRun(deps.queues.feedsQueue, deps.queues.runs, {
        feed,
        building: body.building ?? null,
        trigger: 'manual',
        actor: body.actor,
        dryRun: body.dry_run,
      });
      return reply.code(202).send({ run_id: runId });
    });

    api.get('/api/runs', async (req) => {
      const query = req.query as { feed?: string; limit?: string };
      const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 20) || 20));
      return {
        runs: await deps.queues.runs
          .listMeta(query.feed ? 1000 : limit)
          .then((all) => all.filter((r) => !query.feed || r.feed === query.feed).slice(0, limit)),
      };
    });

    api.get('/api/invitations', async (req) => {
      const query = req.query as { feed?: string; building?: string; status?: string };
      const buildings = [...deps.feeds.values()]
        .filter((f) => !query.feed || f.config.name === query.feed)
        .flatMap((f) => f.buildings);
      const rows = await invitationReport(
        deps.client,
        new InvitationLedgerStore(deps.queues.redis, deps.prefix),
        buildings,
        {
          ...(query.building ? { building: query.building } : {}),
          ...(query.status ? { status: query.status } : {}),
        },
      );
      return { invitations: rows };
    });

    api.get('/api/runs/:id', async (req) =>
      runJson(await deps.queues.runs.require((req.params as { id: string }).id)),
    );

    api.post('/api/runs/:id/approve', async (req, reply) => {
      const { actor } = actorBody.parse(req.body ?? undefined);
      const { jobs } = await approveRun(
        deps.queues.buildingsQueue,
        deps.queues.runs,
        (req.params as { id: string }).id,
        actor,
      );
      return reply
        .code(202)
        .send({ run_id: (req.params as { id: string }).id, buildings_queued: jobs.length });
    });

    api.post('/api/runs/:id/reject', async (req) => {
      const { actor } = actorBody.parse(req.body ?? undefined);
      return runJson(await rejectRun(deps.queues.runs, (req.params as { id: string }).id, actor));
    });
  });
}
