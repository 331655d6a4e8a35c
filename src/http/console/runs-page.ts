/** Recent runs, newest first, optionally of one feed: what each sync did at a glance. */
import type { RunRecord } from '../../queue/run-record.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html } from './html.js';
import { page } from './layout.js';

export function runsPage(
  runs: Omit<RunRecord, 'buildings'>[],
  dir: Directory,
  session: ConsoleSession,
): string {
  return page(
    { title: 'Runs', session, section: 'runs' },
    runs.length === 0
      ? html`<p>No run yet.</p>`
      : html`<div class="table-wrap" role="region" aria-labelledby="runs-caption" tabindex="0">
          <table>
            <caption id="runs-caption">
              The last ${runs.length} runs, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Scope</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Source rows</th>
              </tr>
            </thead>
            <tbody>
              ${runs.map(
                (r) =>
                  html`<tr>
                    <td><a href="/runs/${r.id}">${formatTime(r.createdAt, dir.zoneOfFeed(r.feed))}</a></td>
                    <td>${dir.runScope(r)}</td>
                    <td>
                      ${statusBadge(r.status)}${r.dryRun ? html` <span class="muted">dry run</span>` : ''}
                    </td>
                    <td>${r.trigger} by ${r.actor}</td>
                    <td>${r.stats ? `${r.stats.rows} (${r.stats.rejected} rejected)` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`,
  );
}
