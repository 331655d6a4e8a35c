/**
 * The plan: per building, the operations that turn OpenApp's actual state into the desired one,
 * each with the reason a person reading it needs, and the verdict of the safety guards.
 */
import type { RejectedRow } from './resident-record.js';

export interface PlannedAdd {
  userId: string;
  name: string;
  email: string | null;
  /** Keys (recordKey) of the PMS records this user stands for (several for a shared email or two units). */
  keys: string[];
  units: string[];
  reason: string;
}

export interface PlannedRemoval {
  userId: string;
  name: string | null;
  email: string | null;
  reason: string;
}

export interface NeededInvite {
  /** What OpenApp would invite: an email, else a phone. */
  email: string | null;
  phone: string | null;
  name: string;
  keys: string[];
  units: string[];
  reason: string;
}

/** Someone the plan deliberately leaves as they are, and why. */
export interface KeptUser {
  userId: string;
  name: string | null;
  email: string | null;
  reason: string;
}

export interface ReviewItem {
  key: string;
  line: number;
  name: string;
  unit: string;
  reason: string;
}

export interface BuildingPlan {
  integrationId: string;
  /** The role this feed grants and revokes on this building. */
  role: string;
  add: PlannedAdd[];
  remove: PlannedRemoval[];
  needsInvite: NeededInvite[];
  /** Users who hold the role and should: nothing to do. */
  unchanged: number;
  /** Users not removed although the PMS does not grant them access (protected, rejected row, review). */
  kept: KeptUser[];
  /** Users holding the role whom the PMS does not mention at all, left alone (adopt_existing: false). */
  unmanaged: KeptUser[];
  /** Records with an unknown status: reported, never granted or removed. */
  review: ReviewItem[];
  /**
   * A held plan removes nobody until an operator approves it; adds still go ahead. Held when a
   * removal guard trips, and always when the source was cut short or has no rows for the building.
   */
  held: boolean;
  holdReasons: string[];
}

export interface PlanStats {
  /** Data rows read (after skip rules). */
  rows: number;
  records: number;
  rejected: number;
  skipped: number;
}

export interface Plan {
  /** The instant the plan is for, ISO. */
  at: string;
  buildings: BuildingPlan[];
  rejected: RejectedRow[];
  stats: PlanStats;
  /** False when the source could not be read to the end: then nobody is removed anywhere. */
  sourceComplete: boolean;
  sourceProblem?: string;
}

export function planIsHeld(plan: Plan): boolean {
  return plan.buildings.some((b) => b.held);
}

export function countOperations(plan: Plan): { add: number; remove: number; needsInvite: number } {
  let add = 0;
  let remove = 0;
  let needsInvite = 0;
  for (const b of plan.buildings) {
    add += b.add.length;
    remove += b.remove.length;
    needsInvite += b.needsInvite.length;
  }
  return { add, remove, needsInvite };
}
