/** Runs waiting for an operator: why each is held, what approving would remove, and the decision. */
import { countOperations } from '../../core/plan.js';
import { planOfRun, type RunRecord } from '../../queue/run-record.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, type Directory } from './format.js';
import { html } from './html.js';
import { page, type Notice } from './layout.js';
import { approveRejectForms } from './run-page.js';

export function heldRunsPage(
  runs: RunRecord[],
  dir: Directory,
  session: ConsoleSession,
  notice?: Notice,
): string {
  return page(
    { title: 'Held runs', session, section: 'held', notice },
    runs.length === 0
      ? html`<p>No run is waiting for a decision.</p>`
      : html`${runs.map((run, i) => {
          const plan = planOfRun(run);
          const removals = plan ? countOperations(plan).remove : 0;
          const reasons = [
            ...(run.holdReasons ?? []),
            ...(plan?.buildings.flatMap((b) => b.holdReasons) ?? []),
          ];
          const scope = dir.runScope(run);
          return html`<section class="card" aria-labelledby="held-${i}">
            <h2 id="held-${i}"><a href="/runs/${run.id}">${scope}</a></h2>
            <p>
              Planned ${formatTime(run.createdAt, dir.zoneOfFeed(run.feed))}, ${run.trigger} by ${run.actor}.
              Approving removes ${removals} ${removals === 1 ? 'resident' : 'residents'}.
            </p>
            <p><strong>Held because:</strong> ${[...new Set(reasons)].join('; ') || 'a guard held it'}.</p>
            <div class="actions">
              <a href="/runs/${run.id}">Review the plan<span class="visually-hidden"> of ${scope}</span></a>
              ${approveRejectForms(run.id, session, ` the held run of ${scope}`)}
            </div>
          </section>`;
        })}`,
  );
}
