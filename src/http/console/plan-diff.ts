/**
 * One building of a run as a diff: who gains access, who loses it and why, who needs an
 * invitation, who is kept or sent to review, then what applying did.
 */
import type { BuildingPlan } from '../../core/plan.js';
import type { BuildingRun } from '../../queue/run-record.js';
import { statusBadge, type Directory } from './format.js';
import { html, type SafeHtml } from './html.js';
import { dataTable } from './data-table.js';

export function buildingDiff(b: BuildingRun, dir: Directory, index: number): SafeHtml {
  const plan = b.plan?.buildings.find((p) => p.integrationId === b.integrationId);
  const label = dir.building(b.integrationId);
  const id = `building-${index}`;
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">
      ${label}
      ${statusBadge(b.status)}${label !== b.integrationId ? html` <span class="muted">${b.integrationId}</span>` : ''}
    </h2>
    ${b.error ? html`<p class="notice notice-error">${b.error}</p>` : ''}
    ${plan ? planSections(plan, b.status) : html`<p class="muted">Not planned yet.</p>`}
    ${b.results && b.results.length > 0 ? results(b) : ''} ${b.invitations ? invitations(b) : ''}
  </section>`;
}

function planSections(plan: BuildingPlan, status: string): SafeHtml {
  const removalsWait = plan.held && (status === 'held' || status === 'planned');
  const removalNote =
    plan.remove.length === 0
      ? ''
      : status === 'rejected'
        ? 'not removed: the run was rejected'
        : removalsWait
          ? 'held until approved'
          : '';
  return html`${
      plan.holdReasons.length === 0
        ? ''
        : removalsWait
          ? html`<div class="notice notice-error">
              <strong>Held:</strong> ${plan.holdReasons.join('; ')}. Nobody is removed from this building
              until someone approves.
            </div>`
          : html`<p class="muted">The plan was held: ${plan.holdReasons.join('; ')}.</p>`
    }
    <h3>Gains access (${plan.add.length})</h3>
    ${list(
      'gain',
      '+',
      plan.add.map((a) => ({
        who: a.name,
        detail: [a.email, a.units.length ? `unit ${a.units.join(', ')}` : null],
        why: a.reason,
      })),
    )}
    <h3>
      Loses access
      (${plan.remove.length})${removalNote ? html` <span class="muted">${removalNote}</span>` : ''}
    </h3>
    ${list(
      'lose',
      '−',
      plan.remove.map((r) => ({ who: r.name ?? r.userId, detail: [r.email], why: r.reason })),
    )}
    <h3>Needs an invitation (${plan.needsInvite.length})</h3>
    ${list(
      'invite',
      '✉',
      plan.needsInvite.map((n) => ({
        who: n.name,
        detail: [n.email ?? n.phone, n.units.length ? `unit ${n.units.join(', ')}` : null],
        why: n.reason,
      })),
    )}
    ${
      plan.kept.length > 0
        ? html`<h3>Kept although the PMS does not grant access (${plan.kept.length})</h3>
            ${list(
              'kept',
              '=',
              plan.kept.map((k) => ({ who: k.name ?? k.userId, detail: [k.email], why: k.reason })),
            )}`
        : ''
    }
    ${
      plan.review.length > 0
        ? html`<h3>Sent to review (${plan.review.length})</h3>
            ${list(
              'review',
              '?',
              plan.review.map((r) => ({
                who: r.name,
                detail: [`line ${r.line}`, `unit ${r.unit}`],
                why: r.reason,
              })),
            )}`
        : ''
    }
    <p class="muted">
      Unchanged: ${plan.unchanged}. Holding the role but not in the PMS, left alone: ${plan.unmanaged.length}.
    </p>`;
}

interface Item {
  who: string;
  detail: (string | null)[];
  why: string;
}

function list(kind: string, sign: string, items: Item[]): SafeHtml {
  if (items.length === 0) return html`<p class="muted">Nobody.</p>`;
  return html`<ul class="diff ${kind}">
    ${items.map(
      (i) =>
        html`<li>
          <span class="sign" aria-hidden="true">${sign}</span><strong>${i.who}</strong>${
            i.detail.filter(Boolean).length > 0
              ? html` <span class="muted">${i.detail.filter(Boolean).join(' · ')}</span>`
              : ''
          }<span class="why">${i.why}</span>
        </li>`,
    )}
  </ul>`;
}

function results(b: BuildingRun): SafeHtml {
  const rows = b.results ?? [];
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  return html`<details>
    <summary>
      What applying did: ${count('applied')} applied, ${count('already_absent')} already absent,
      ${count('held')} held, ${count('failed')} failed
    </summary>
    ${dataTable({
      headers: ['Change', 'Person', 'Outcome'],
      rows: rows.map((r) => [
        r.op === 'add' ? 'gain access' : 'lose access',
        r.name ?? r.userId,
        html`${statusBadge(r.outcome)}${r.error ? html`<span class="why">${r.error}</span>` : ''}`,
      ]),
    })}
  </details>`;
}

function invitations(b: BuildingRun): SafeHtml {
  const i = b.invitations;
  if (!i) return html``;
  if (i.skipped) return html`<p class="muted">Invitations: ${i.skipped}</p>`;
  return html`<p>
    Invitations: ${i.invited} sent, ${i.resent} reminded, ${i.cancelled} withdrawn, ${i.waiting}
    waiting${
      i.failed.length > 0
        ? html`, <strong>${i.failed.length} failed</strong> (${i.failed.map((f) => f.error).join('; ')})`
        : ''
    }.
  </p>`;
}
