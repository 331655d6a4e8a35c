/** The console's pages (GET): feeds, runs, held runs, one run and its progress, invitations. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvitationLedgerStore } from '../../queue/invitation-ledger-store.js';
import { invitationReport, type InvitationRow } from '../../sync/invitation-report.js';
import { sendHtml, sessionOf } from './console-auth.js';
import type { ConsoleDeps } from './console-routes.js';
import { feedOverview } from './feed-overview.js';
import { feedsPage } from './feeds-page.js';
import type { Directory } from './format.js';
import { heldRunsPage } from './held-runs-page.js';
import { html } from './html.js';
import { INVITATION_STATUSES, invitationsPage } from './invitations-page.js';
import { page, type Notice } from './layout.js';
import { runPage } from './run-page.js';
import { runProgress } from './run-progress.js';
import { runsPage } from './runs-page.js';

/** Confirmations after a redirect, by code: a link cannot put words of its own on the page. */
export const NOTICES: Record<string, Notice> = {
  planning: {
    kind: 'ok',
    text: 'Dry run started: the plan appears below when it is ready. Nothing changes until you apply it.',
  },
  joined: { kind: 'ok', text: 'A run of the same scope was already waiting: this is that run.' },
  applying: { kind: 'ok', text: 'Applying the plan.' },
  approved: { kind: 'ok', text: 'Approved: the held changes are being applied.' },
  rejected: { kind: 'ok', text: 'Rejected: this run changes nothing more.' },
};

export function registerPages(scope: FastifyInstance, deps: ConsoleDeps, dir: Directory): void {
  scope.get('/', async (req, reply) =>
    sendHtml(reply, 200, feedsPage(await feedOverview(deps.feeds, deps.queues), dir, sessionOf(req))),
  );

  scope.get('/runs', async (req, reply) =>
    sendHtml(reply, 200, runsPage(await deps.queues.runs.listMeta(50), dir, sessionOf(req))),
  );

  scope.get('/held', async (req, reply) => {
    const held = (await deps.queues.runs.listMeta()).filter((r) => r.status === 'held');
    const runs = await Promise.all(held.map((r) => deps.queues.runs.require(r.id)));
    return sendHtml(reply, 200, heldRunsPage(runs, dir, sessionOf(req)));
  });

  scope.get('/runs/:id', async (req, reply) => {
    const notice = NOTICES[(req.query as { notice?: string }).notice ?? ''];
    return showRun(req, reply, deps, dir, 200, notice);
  });

  scope.get('/runs/:id/progress', async (req, reply) => {
    const run = await deps.queues.runs.get((req.params as { id: string }).id);
    if (!run) return reply.code(404).send({ message: 'no such run' });
    return runProgress(run, deps.queues, dir);
  });

  scope.get('/invitations', async (req, reply) => {
    const query = req.query as Record<string, string | undefined>;
    const feedNames = [...deps.feeds.keys()];
    const allBuildings = [...new Set([...deps.feeds.values()].flatMap((f) => f.buildings))];
    // Unknown values are dropped, not reported: the form only offers known ones.
    const filter = {
      feed: feedNames.find((f) => f === query.feed),
      building: allBuildings.find((b) => b === query.building),
      status: INVITATION_STATUSES.find((s) => s === query.status),
    };
    let rows: InvitationRow[] | undefined;
    let notice: Notice | undefined;
    if (deps.client.generation !== '2026') {
      notice = {
        kind: 'error',
        text: 'OpenApp API generation 2025 has no invitations API: there is nothing to list.',
      };
    } else {
      const buildings = [...deps.feeds.values()]
        .filter((f) => !filter.feed || f.config.name === filter.feed)
        .flatMap((f) => f.buildings);
      try {
        rows = await invitationReport(
          deps.client,
          new InvitationLedgerStore(deps.queues.redis, deps.prefix),
          buildings,
          {
            ...(filter.building ? { building: filter.building } : {}),
            ...(filter.status ? { status: filter.status } : {}),
          },
        );
      } catch (err) {
        notice = {
          kind: 'error',
          text: `OpenApp's invitations could not be read: ${(err as Error).message}`,
        };
      }
    }
    return sendHtml(
      reply,
      200,
      invitationsPage({
        rows,
        filter,
        feeds: feedNames,
        buildings: allBuildings,
        dir,
        session: sessionOf(req),
        notice,
      }),
    );
  });
}

/** A run's page, with a notice (after an action) and the status to answer with. */
export async function showRun(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ConsoleDeps,
  dir: Directory,
  status: number,
  notice: Notice | undefined,
): Promise<FastifyReply> {
  const run = await deps.queues.runs.get((req.params as { id: string }).id);
  if (!run) {
    const body = html`<p>No such run: it may have passed the retention limit (1000 runs, 30 days).</p>`;
    return sendHtml(
      reply,
      404,
      page({ title: 'Run not found', session: sessionOf(req), section: 'runs' }, body),
    );
  }
  const progress = await runProgress(run, deps.queues, dir);
  return sendHtml(reply, status, runPage(run, progress, dir, sessionOf(req), notice));
}
