/**
 * A run: one execution of a feed (all its buildings, or one), with what it planned, what it did,
 * and how it ended. Stored in Redis by RunStore; read by `pms-sync runs` and the ops API.
 */
import type { Plan, PlanStats } from '../core/plan.js';
import type { OperationResult } from '../sync/apply-plan.js';
import type { InvitationOutcome } from '../sync/send-invitations.js';

/** `poll`: a database feed's poll found the building changed (see src/sync/poll-feed.ts). */
export type RunTrigger = 'schedule' | 'manual' | 'webhook' | 'poll';

export type RunStatus =
  | 'queued'
  | 'running'
  | 'planned'
  | 'held'
  | 'applied'
  | 'partial'
  | 'failed'
  | 'rejected'
  /** A burst of triggers: a later run of the same scope took this one's place before it started. */
  | 'superseded';

export type BuildingRunStatus =
  'queued' | 'planning' | 'planned' | 'held' | 'applying' | 'applied' | 'partial' | 'failed' | 'rejected';

export interface BuildingRun {
  integrationId: string;
  status: BuildingRunStatus;
  /** Only the building's own part of the plan. */
  plan?: Plan;
  /** Hash of OpenApp's users on the building when planned: approval refuses if it changed. */
  fingerprint?: string;
  results?: OperationResult[];
  /** What the invitation step did (invited, resent, cancelled, waiting) or why it did nothing. */
  invitations?: InvitationOutcome;
  error?: string;
  updatedAt: string;
}

export interface RunRecord {
  id: string;
  feed: string;
  /** Set when the run covers one building only. */
  building: string | null;
  trigger: RunTrigger;
  /** Who asked: `schedule`, a user name, `webhook:<delivery id>`. */
  actor: string;
  dryRun: boolean;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  sourceSha256?: string;
  stats?: PlanStats;
  /** Why the whole run is held (a shrinking source), beyond each building's guards. */
  holdReasons?: string[];
  error?: string;
  buildings: Record<string, BuildingRun>;
}

/** The run's status from its buildings' statuses. */
export function overallStatus(run: RunRecord): RunStatus {
  const statuses = Object.values(run.buildings).map((b) => b.status);
  if (statuses.length === 0) return run.error ? 'failed' : run.dryRun ? 'planned' : 'applied';
  const failed = statuses.filter((s) => s === 'failed').length;
  if (failed === statuses.length) return 'failed';
  if (failed > 0 || statuses.includes('partial')) return 'partial';
  if (statuses.includes('held')) return 'held';
  // An operator turned down the held part: the run as a whole was rejected.
  if (statuses.includes('rejected')) return 'rejected';
  if (statuses.some((s) => s === 'queued' || s === 'planning' || s === 'applying')) return 'running';
  if (statuses.every((s) => s === 'planned')) return 'planned';
  // A run that changes OpenApp with a building left at its plan (an apply refused because OpenApp
  // changed since): not everything was applied.
  if (!run.dryRun && statuses.includes('planned')) return 'partial';
  return 'applied';
}

/** The buildings' plans of a run as one plan, shown the same way as `pms-sync plan` shows one. */
export function planOfRun(run: RunRecord): Plan | undefined {
  const plans = Object.values(run.buildings).flatMap((b) => (b.plan ? [b.plan] : []));
  const first = plans[0];
  if (!first) return undefined;
  return { ...first, buildings: plans.flatMap((p) => p.buildings), stats: run.stats ?? first.stats };
}
