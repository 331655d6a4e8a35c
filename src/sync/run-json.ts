/** A run as JSON for scripts and the ops API: its record, its plan, and what each building did. */
import { planOfRun, type RunRecord } from '../queue/run-record.js';
import { planToJson } from './plan-json.js';

export function runJson(run: RunRecord) {
  const { buildings, ...meta } = run;
  const plan = planOfRun(run);
  return {
    ...meta,
    plan: plan ? planToJson(plan) : null,
    buildings: Object.values(buildings).map((b) => ({
      integration_id: b.integrationId,
      status: b.status,
      error: b.error ?? null,
      results: b.results ?? [],
    })),
  };
}
