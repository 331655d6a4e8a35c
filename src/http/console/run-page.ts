/**
 * One run: its trigger, actor and counts, the actions it allows (approve or reject a held run,
 * apply a dry run's plan), live progress while it runs, and its plan as a diff per building.
 */
import { countOperations } from '../../core/plan.js';
import { planOfRun, type RunRecord } from '../../queue/run-record.js';
import type { ConsoleSession } from './console-session.js';
import { formatTime, statusBadge, type Directory } from './format.js';
import { html, type SafeHtml } from './html.js';
import { dataTable } from './data-table.js';
import { csrfField, page, type Notice } from './layout.js';
import { buildingDiff } from './plan-diff.js';
import type { RunProgress } from './run-progress.js';

export function runPage(
  run: RunRecord,
  progress: RunProgress,
  dir: Directory,
  session: ConsoleSession,
  notice?: Notice,
): string {
  const plan = planOfRun(run);
  const ops = plan ? countOperations(plan) : undefined;
  const buildings = Object.values(run.buildings).sort((a, b) =>
    a.integrationId.localeCompare(b.integrationId),
  );
  return page(
    {
      title: `Run of ${dir.runScope(run)}`,
      session,
      section: 'runs',
      notice,
      live: !progress.settled,
    },
    html`<dl class="facts">
        <dt>Run</dt>
        <dd><code>${run.id}</code></dd>
        <dt>Status</dt>
        <dd>${statusBadge(run.status)}${run.dryRun ? ' (dry run: changes nothing)' : ''}</dd>
        <dt>Trigger</dt>
        <dd>${run.trigger} by ${run.actor}</dd>
        <dt>Created</dt>
        <dd>${formatTime(run.createdAt, dir.zoneOfFeed(run.feed))}</dd>
        ${
          run.finishedAt
            ? html`<dt>Finished</dt>
                <dd>${formatTime(run.finishedAt, dir.zoneOfFeed(run.feed))}</dd>`
            : ''
        }
        ${
          run.stats
            ? html`<dt>Source</dt>
                <dd>
                  ${run.stats.rows} rows read, ${run.stats.records} residents, ${run.stats.rejected} rejected,
                  ${run.stats.skipped}
                  skipped${run.sourceSha256 ? html` <span class="muted">sha256 ${run.sourceSha256.slice(0, 12)}…</span>` : ''}
                </dd>`
            : ''
        }
        ${
          ops
            ? html`<dt>Changes</dt>
                <dd>
                  ${ops.add} gain access, ${ops.remove} lose access, ${ops.needsInvite} need an invitation
                </dd>`
            : ''
        }
        ${
          run.holdReasons && run.holdReasons.length > 0
            ? html`<dt>Held because</dt>
                <dd>${run.holdReasons.join('; ')}</dd>`
            : ''
        }
        ${
          run.error
            ? html`<dt>Note</dt>
                <dd>${run.error}</dd>`
            : ''
        }
      </dl>
      ${actions(run, session)} ${progress.settled ? '' : progressBox(run, progress)}
      ${buildings.map((b, i) => buildingDiff(b, dir, i))} ${plan ? rejectedRows(plan.rejected) : ''}`,
  );
}

function actions(run: RunRecord, session: ConsoleSession): SafeHtml {
  if (run.status === 'held') {
    return html`<div class="actions" role="group" aria-label="Decision on this held run">
        ${approveRejectForms(run.id, session)}
      </div>
      <p class="hint">
        Approve applies exactly the plan below, held removals included, and refuses if OpenApp changed since
        it was made.
      </p>`;
  }
  if (run.dryRun && run.status === 'planned') {
    return html`<div class="actions">
        <form method="post" action="/runs/${run.id}/apply">
          ${csrfField(session)}<button type="submit">Apply this plan</button>
        </form>
      </div>
      <p class="hint">
        Applies exactly the plan below, and refuses if OpenApp changed since it was made. Removals a guard
        held still wait for approval.
      </p>`;
  }
  return html``;
}

export function approveRejectForms(runId: string, session: ConsoleSession, what = ''): SafeHtml {
  return html`<form method="post" action="/runs/${runId}/approve">
      ${csrfField(session)}<button type="submit">Approve<span class="visually-hidden">${what}</span></button>
    </form>
    <form method="post" action="/runs/${runId}/reject">
      ${csrfField(session)}<button type="submit" class="danger">
        Reject<span class="visually-hidden">${what}</span>
      </button>
    </form>`;
}

function progressBox(run: RunRecord, progress: RunProgress): SafeHtml {
  return html`<section
    class="progress"
    data-progress-url="/runs/${run.id}/progress"
    aria-labelledby="progress-heading"
  >
    <h2 id="progress-heading">Progress</h2>
    <p aria-live="polite" data-progress-text>${progress.text}</p>
  </section>`;
}

function rejectedRows(rows: { line: number; errors: string[] }[]): SafeHtml {
  return html`<section class="card" aria-labelledby="rejected-heading">
    <h2 id="rejected-heading">Rejected rows (${rows.length})</h2>
    ${
      rows.length === 0
        ? html`<p class="muted">Every row of the source was read.</p>`
        : html`<p class="hint">Nobody a rejected row describes is removed because of it.</p>
            ${dataTable({
              headers: ['Line', 'Why'],
              rows: rows.map((r) => [r.line, r.errors.join('; ')]),
            })}`
    }
  </section>`;
}
