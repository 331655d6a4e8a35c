/** The home page: every feed, its schedule and last run, and each building's state at a glance. */
import type { ConsoleSession } from './console-session.js';
import type { FeedGlance } from './feed-overview.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html, type SafeHtml } from './html.js';
import { dataTable } from './data-table.js';
import { csrfField, page, type Notice } from './layout.js';

export function feedsPage(
  glances: FeedGlance[],
  dir: Directory,
  session: ConsoleSession,
  notice?: Notice,
): string {
  return page(
    { title: 'Feeds', session, section: 'feeds', notice },
    glances.length === 0
      ? html`<p>The feeds file lists no feed.</p>`
      : html`${glances.map((g, i) => feedCard(g, i, dir, session))}`,
  );
}

function feedCard(g: FeedGlance, index: number, dir: Directory, session: ConsoleSession) {
  const name = g.feed.config.name;
  const zone = g.feed.mapping.access.time_zone;
  const schedule = g.feed.config.schedule;
  const headingId = `feed-${index}`;
  return html`<section class="card" aria-labelledby="${headingId}">
    <h2 id="${headingId}">${name}</h2>
    <dl class="facts">
      <dt>Schedule</dt>
      <dd>
        ${schedule ? html`<code>${schedule.cron}</code> (${schedule.time_zone})` : 'none: runs only when triggered'}
      </dd>
      <dt>Next scheduled run</dt>
      <dd>
        ${
          !schedule
            ? html`<span class="muted">none</span>`
            : g.nextRunAt === null
              ? html`<span class="muted">not registered yet: no worker has started</span>`
              : formatTime(g.nextRunAt, schedule.time_zone)
        }
      </dd>
      <dt>Last run</dt>
      <dd>
        ${
          g.lastRun
            ? html`<a href="/runs/${g.lastRun.id}">${formatTime(g.lastRun.createdAt, zone)}</a>
                ${statusBadge(g.lastRun.status)}
                <span class="muted"
                  >${g.lastRun.dryRun ? 'dry run, ' : ''}${g.lastRun.trigger} by ${g.lastRun.actor}</span
                >`
            : html`<span class="muted">none yet</span>`
        }
      </dd>
      <dt>Held runs</dt>
      <dd>${g.held > 0 ? html`<a href="/held">${g.held} waiting for a decision</a>` : 'none'}</dd>
    </dl>
    <div class="actions">
      ${syncButton(name, null, `all buildings of ${name}`, session)}
      <span class="hint">Shows what would change first; nothing changes until you apply it.</span>
    </div>
    ${dataTable({
      caption: { id: `${headingId}-buildings`, text: `Buildings of ${name}` },
      headers: ['Building', 'Last sync', 'Status', html`<span class="visually-hidden">Actions</span>`],
      rowHeaders: true,
      rows: g.buildings.map((b) => {
        const label = dir.building(b.integrationId);
        const status = b.building?.status ?? b.run?.status;
        return [
          html`${label}${label !== b.integrationId ? html`<br /><span class="muted">${b.integrationId}</span>` : ''}`,
          b.run
            ? html`<a href="/runs/${b.run.id}"
                >${formatTime(b.building?.updatedAt ?? b.run.createdAt, zone)}</a
              >`
            : html`<span class="muted">never</span>`,
          html`${status ? statusBadge(status) : ''}${b.building?.error ? html`<span class="why">${b.building.error}</span>` : ''}`,
          syncButton(name, b.integrationId, label, session),
        ];
      }),
    })}
  </section>`;
}

/** "Sync now" starts a dry run; its page shows the plan and the button that applies it. */
function syncButton(feed: string, building: string | null, what: string, session: ConsoleSession): SafeHtml {
  return html`<form method="post" action="/feeds/${encodeURIComponent(feed)}/sync">
    ${csrfField(session)}${
      building ? html`<input type="hidden" name="building" value="${building}" />` : ''
    }<button type="submit">Sync now<span class="visually-hidden"> ${what}</span></button>
  </form>`;
}
