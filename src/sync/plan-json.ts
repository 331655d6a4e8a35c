/**
 * The plan as JSON for scripts and the ops API: snake_case, stable field names, everything a
 * reviewer needs to see who gains access, who loses it and why.
 */
import type { KeptUser, Plan } from '../core/plan.js';

const userJson = (u: KeptUser) => ({ user_id: u.userId, name: u.name, email: u.email, reason: u.reason });

export function planToJson(plan: Plan, names: ReadonlyMap<string, string> = new Map()) {
  return {
    at: plan.at,
    source_complete: plan.sourceComplete,
    ...(plan.sourceProblem ? { source_problem: plan.sourceProblem } : {}),
    stats: plan.stats,
    integrations: plan.buildings.map((b) => ({
      integration_id: b.integrationId,
      name: names.get(b.integrationId) ?? null,
      role: b.role,
      add: b.add.map((a) => ({
        user_id: a.userId,
        name: a.name,
        email: a.email,
        units: a.units,
        keys: a.keys,
        reason: a.reason,
      })),
      remove: b.remove.map(userJson),
      needs_invite: b.needsInvite.map((n) => ({
        email: n.email,
        phone: n.phone,
        name: n.name,
        units: n.units,
        keys: n.keys,
        reason: n.reason,
      })),
      unchanged: b.unchanged,
      kept: b.kept.map((k) => ({ user_id: k.userId, name: k.name, email: k.email, reason: k.reason })),
      unmanaged: b.unmanaged.map((k) => ({
        user_id: k.userId,
        name: k.name,
        email: k.email,
        reason: k.reason,
      })),
      review: b.review,
      held: b.held,
      hold_reason: b.holdReasons.length > 0 ? b.holdReasons.join('; ') : null,
    })),
    rejected: plan.rejected.map((r) => ({ line: r.line, errors: r.errors })),
  };
}
