/**
 * The console's actions (POST, behind the session's CSRF token): "Sync now" (always a dry run
 * first), apply a dry run's plan, approve or reject a held run. Each redirects to the run's page.
 */
import type { FastifyInstance } from 'fastify';
import { enqueueRun } from '../../queue/enqueue-run.js';
import { applyDryRun, approveRun, rejectRun, RunStateError } from '../../queue/run-actions.js';
import { formField, sendHtml, sessionOf } from './console-auth.js';
import { showRun, type NOTICES } from './console-pages.js';
import type { ConsoleDeps } from './console-routes.js';
import type { Directory } from './format.js';
import { html } from './html.js';
import { page } from './layout.js';

export function registerActions(scope: FastifyInstance, deps: ConsoleDeps, dir: Directory): void {
  const { queues } = deps;

  scope.post('/feeds/:feed/sync', async (req, reply) => {
    const feed = deps.feeds.get((req.params as { feed: string }).feed);
    const building = formField(req, 'building') || null;
    if (!feed) return sendHtml(reply, 404, page({ title: 'No such feed', session: sessionOf(req) }, html``));
    if (building && !feed.buildings.includes(building)) {
      const text = `Feed ${feed.config.name} does not cover building ${building}.`;
      return sendHtml(
        reply,
        422,
        page({ title: 'No such building', session: sessionOf(req) }, html`<p>${text}</p>`),
      );
    }
    // Always a dry run first: the run page shows the plan and the button that applies it.
    const { runId, coalesced } = await enqueueRun(queues.feedsQueue, queues.runs, {
      feed: feed.config.name,
      building,
      trigger: 'manual',
      actor: sessionOf(req).actor,
      dryRun: true,
    });
    return reply.redirect(`/runs/${runId}?notice=${coalesced ? 'joined' : 'planning'}`, 303);
  });

  const action = (
    path: string,
    act: (runId: string, actor: string) => Promise<unknown>,
    notice: keyof typeof NOTICES,
  ) =>
    scope.post(path, async (req, reply) => {
      const runId = (req.params as { id: string }).id;
      try {
        await act(runId, sessionOf(req).actor);
      } catch (err) {
        if (!(err instanceof RunStateError)) throw err;
        return showRun(req, reply, deps, dir, 409, { kind: 'error', text: err.message });
      }
      return reply.redirect(`/runs/${runId}?notice=${notice}`, 303);
    });
  action(
    '/runs/:id/approve',
    (id, actor) => approveRun(queues.buildingsQueue, queues.runs, id, actor),
    'approved',
  );
  action('/runs/:id/reject', (id, actor) => rejectRun(queues.runs, id, actor), 'rejected');
  action(
    '/runs/:id/apply',
    (id, actor) => applyDryRun(queues.buildingsQueue, queues.runs, id, actor),
    'applying',
  );
}
