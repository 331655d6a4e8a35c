/** Invitations of the feeds' buildings, filtered by feed, building and status. */
import type { InvitationRow } from '../../sync/invitation-report.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html, type SafeHtml } from './html.js';
import { dataTable } from './data-table.js';
import { page, type Notice } from './layout.js';

export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'cancelled'] as const;

export interface InvitationFilter {
  feed?: string | undefined;
  building?: string | undefined;
  status?: string | undefined;
}

export function invitationsPage(options: {
  rows: InvitationRow[] | undefined;
  filter: InvitationFilter;
  feeds: string[];
  buildings: string[];
  dir: Directory;
  session: ConsoleSession;
  notice?: Notice | undefined;
}): string {
  const { rows, filter, dir } = options;
  return page(
    { title: 'Invitations', session: options.session, section: 'invitations', notice: options.notice },
    html`<form
        method="get"
        action="/invitations"
        class="filters"
        role="search"
        aria-label="Filter invitations"
      >
        ${select(
          'feed',
          'Feed',
          'All feeds',
          options.feeds.map((f) => [f, f]),
          filter.feed,
        )}
        ${select(
          'building',
          'Building',
          'All buildings',
          options.buildings.map((b) => [b, dir.building(b)]),
          filter.building,
        )}
        ${select(
          'status',
          'Status',
          'Any status',
          INVITATION_STATUSES.map((s) => [s, s]),
          filter.status,
        )}
        <button type="submit">Filter</button>
      </form>
      ${rows ? table(rows, dir) : ''}`,
  );
}

function select(
  name: string,
  label: string,
  all: string,
  options: (readonly [string, string])[],
  current: string | undefined,
): SafeHtml {
  return html`<div>
    <label for="filter-${name}">${label}</label>
    <select id="filter-${name}" name="${name}">
      <option value="">${all}</option>
      ${options.map(
        ([value, text]) =>
          html`<option value="${value}" ${value === current ? html` selected` : ''}>${text}</option>`,
      )}
    </select>
  </div>`;
}

function table(rows: InvitationRow[], dir: Directory): SafeHtml {
  const count = html`<p role="status">
    ${rows.length} ${rows.length === 1 ? 'invitation' : 'invitations'}.
  </p>`;
  if (rows.length === 0) return count;
  return html`${count}
  ${dataTable({
    caption: { id: 'invitations-caption', text: 'Invitations', hidden: true },
    headers: ['Resident', 'Building', 'Units', 'Contact', 'Status', 'Sends', 'Last sent', 'Expires'],
    rowHeaders: true,
    rows: rows.map((r) => [
      r.name ?? html`<span class="muted">unknown</span>`,
      dir.building(r.integration_id),
      r.units.join(', '),
      r.email ?? r.phone ?? '',
      statusBadge(r.status),
      r.sent_count,
      formatTime(r.last_sent_at, dir.zoneOfBuilding(r.integration_id)),
      formatTime(r.expires_at, dir.zoneOfBuilding(r.integration_id)),
    ]),
  })}`;
}
