/** The plan and the apply report as text for a terminal: one block per building, then rejected rows. */
import type { Plan } from '../core/plan.js';
import { countOperations } from '../core/plan.js';
import type { ApplyReport } from '../sync/apply-plan.js';

const contact = (email: string | null | undefined, phone?: string | null) =>
  email ? ` <${email}>` : phone ? ` <${phone}>` : '';

export function renderPlan(plan: Plan, names: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [`Plan at ${plan.at}`];
  if (!plan.sourceComplete) {
    lines.push(
      `! The source was not read to the end (${plan.sourceProblem ?? 'unknown problem'}): nobody will be removed.`,
    );
  }
  for (const b of plan.buildings) {
    lines.push('', `${names.get(b.integrationId) ?? b.integrationId} (${b.integrationId})`);
    for (const a of b.add)
      lines.push(`  + add      ${a.name}${contact(a.email)}  unit ${a.units.join(', ')}: ${a.reason}`);
    for (const r of b.remove)
      lines.push(
        `  - remove   ${r.name ?? r.userId}${contact(r.email)}: ${r.reason}${b.held ? ' [held]' : ''}`,
      );
    for (const n of b.needsInvite)
      lines.push(
        `  > invite   ${n.name}${contact(n.email, n.phone)}  unit ${n.units.join(', ')}: ${n.reason}`,
      );
    for (const r of b.review)
      lines.push(`  ? review   line ${r.line}: ${r.name}, unit ${r.unit}: ${r.reason}`);
    for (const k of b.kept) lines.push(`  ~ kept     ${k.name ?? k.userId}${contact(k.email)}: ${k.reason}`);
    if (b.unmanaged.length > 0)
      lines.push(`  · ${b.unmanaged.length} users hold the role but are not in the PMS export: left alone`);
    lines.push(`  = ${b.unchanged} unchanged`);
    if (b.held)
      lines.push(`  HELD: ${b.holdReasons.join('; ')}. Removals wait for an operator (apply --allow-held).`);
  }
  if (plan.rejected.length > 0) {
    lines.push('', `Rejected rows (${plan.rejected.length}); nobody they describe is removed:`);
    for (const r of plan.rejected.slice(0, 50)) lines.push(`  line ${r.line}: ${r.errors.join('; ')}`);
    if (plan.rejected.length > 50)
      lines.push(`  … and ${plan.rejected.length - 50} more (use --json for all)`);
  }
  const c = countOperations(plan);
  const heldCount = plan.buildings.filter((b) => b.held).length;
  lines.push(
    '',
    `Summary: ${c.add} to add, ${c.remove} to remove, ${c.needsInvite} need an invitation, ` +
      `${plan.rejected.length} row${plan.rejected.length === 1 ? '' : 's'} rejected, ${heldCount} building${heldCount === 1 ? '' : 's'} held ` +
      `(${plan.stats.records} records from ${plan.stats.rows} rows, ${plan.stats.skipped} skipped).`,
  );
  return lines.join('\n');
}

export function renderApplyReport(report: ApplyReport): string {
  const lines = [
    `Applied: ${report.counts.applied} changed, ${report.counts.already_absent} already as wanted, ` +
      `${report.counts.held} held, ${report.counts.failed} failed (${report.status}).`,
  ];
  for (const r of report.results.filter((x) => x.outcome === 'failed')) {
    lines.push(`  failed ${r.op} ${r.name ?? r.userId} on ${r.integrationId}: ${r.error ?? 'unknown error'}`);
  }
  return lines.join('\n');
}
