/** Invitations of the feeds' buildings, filtered by feed, building and status. */
import type { InvitationRow } from '../../sync/invitation-report.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html, type SafeHtml } from './html.js';
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
    <div class="table-wrap" role="region" aria-labelledby="invitations-caption" tabindex="0">
      <table>
        <caption id="invitations-caption" class="visually-hidden">
          Invitations
        </caption>
        <thead>
          <tr>
            <th scope="col">Resident</th>
            <th scope="col">Building</th>
            <th scope="col">Units</th>
            <th scope="col">Contact</th>
            <th scope="col">Status</th>
            <th scope="col">Sends</th>
            <th scope="col">Last sent</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <th scope="row">${r.name ?? html`<span class="muted">unknown</span>`}</th>
                <td>${dir.building(r.integration_id)}</td>
                <td>${r.units.join(', ')}</td>
                <td>${r.email ?? r.phone ?? ''}</td>
                <td>${statusBadge(r.status)}</td>
                <td>${r.sent_count}</td>
                <td>${formatTime(r.last_sent_at, dir.zoneOfBuilding(r.integration_id))}</td>
                <td>${formatTime(r.expires_at, dir.zoneOfBuilding(r.integration_id))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
