/** Recent runs, newest first, optionally of one feed: what each sync did at a glance. */
import type { RunRecord } from '../../queue/run-record.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html } from './html.js';
import { dataTable } from './data-table.js';
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
      : dataTable({
          caption: { id: 'runs-caption', text: `The last ${runs.length} runs, newest first` },
          headers: ['Created', 'Scope', 'Status', 'Trigger', 'Source rows'],
          rows: runs.map((r) => [
            html`<a href="/runs/${r.id}">${formatTime(r.createdAt, dir.zoneOfFeed(r.feed))}</a>`,
            dir.runScope(r),
            html`${statusBadge(r.status)}${r.dryRun ? html` <span class="muted">dry run</span>` : ''}`,
            `${r.trigger} by ${r.actor}`,
            r.stats ? `${r.stats.rows} (${r.stats.rejected} rejected)` : '',
          ]),
        }),
  );
}
