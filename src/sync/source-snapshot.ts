import type { PlanStats } from '../core/plan.js';
import type { RejectedRow, ResidentRecord } from '../core/resident-record.js';

/** One complete read of a source, mapped: what the planner works from. */
export interface SourceSnapshot {
  records: ResidentRecord[];
  rejected: RejectedRow[];
  stats: PlanStats;
  /** False when the read stopped early (unreadable file, dropped connection): no removals then. */
  complete: boolean;
  problem?: string;
  /** sha256 of the source bytes, to tell runs on the same data apart. */
  sha256?: string;
}
