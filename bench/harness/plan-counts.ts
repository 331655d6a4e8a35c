/** What a plan holds, summed over its buildings: the counts a benchmark reports next to its speed. */
import type { Plan } from '../../src/core/plan.js';

export function planCounts(plan: Plan) {
  const counts = {
    records: plan.stats.records,
    rejected: plan.stats.rejected,
    skipped: plan.stats.skipped,
    add: 0,
    remove: 0,
    invite: 0,
    unchanged: 0,
    kept: 0,
    unmanaged: 0,
    review: 0,
    heldBuildings: 0,
  };
  for (const b of plan.buildings) {
    counts.add += b.add.length;
    counts.remove += b.remove.length;
    counts.invite += b.needsInvite.length;
    counts.unchanged += b.unchanged;
    counts.kept += b.kept.length;
    counts.unmanaged += b.unmanaged.length;
    counts.review += b.review.length;
    if (b.held) counts.heldBuildings++;
  }
  return counts;
}
