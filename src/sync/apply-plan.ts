/**
 * Applies a plan to OpenApp: every add first (nobody waits for access because of a removal that
 * failed), then the removals of buildings that are not held. Each operation is safe to repeat,
 * one failure does not stop the others, and the report says what happened to each.
 */
import pLimit from 'p-limit';
import type { Plan } from '../core/plan.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import { OpenAppError } from '../openapp/openapp-error.js';

export type OperationKind = 'add' | 'remove';
export type OperationOutcome = 'applied' | 'already_absent' | 'held' | 'failed';

export interface OperationResult {
  integrationId: string;
  op: OperationKind;
  userId: string;
  name: string | null;
  outcome: OperationOutcome;
  /** Why it failed, for the operator; never holds secrets (OpenAppError messages do not). */
  error?: string;
  status?: number;
}

export type ApplyStatus = 'nothing_to_do' | 'applied' | 'partial' | 'failed';

export interface ApplyReport {
  status: ApplyStatus;
  results: OperationResult[];
  counts: Record<OperationOutcome, number>;
}

export interface ApplyOptions {
  /** Apply the removals of held buildings too (an operator's explicit decision). */
  allowHeld?: boolean;
  /** Operations in flight at once; the client has its own limit on HTTP calls. */
  concurrency?: number;
  signal?: AbortSignal;
  correlationId?: string;
  onProgress?: (done: number, total: number, last: OperationResult) => void;
}

interface PendingOperation {
  integrationId: string;
  op: OperationKind;
  userId: string;
  name: string | null;
  role: string;
}

export function operationsOf(
  plan: Plan,
  allowHeld: boolean,
): { run: PendingOperation[]; held: PendingOperation[] } {
  const adds: PendingOperation[] = [];
  const removals: PendingOperation[] = [];
  const held: PendingOperation[] = [];
  for (const b of plan.buildings) {
    for (const a of b.add)
      adds.push({ integrationId: b.integrationId, op: 'add', userId: a.userId, name: a.name, role: b.role });
    for (const r of b.remove) {
      const op = {
        integrationId: b.integrationId,
        op: 'remove' as const,
        userId: r.userId,
        name: r.name,
        role: b.role,
      };
      (b.held && !allowHeld ? held : removals).push(op);
    }
  }
  return { run: [...adds, ...removals], held };
}

export async function applyPlan(
  plan: Plan,
  client: OpenAppClient,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const { run, held } = operationsOf(plan, options.allowHeld ?? false);
  const results: OperationResult[] = held.map((h) => ({ ...strip(h), outcome: 'held' }));
  const limit = pLimit(Math.max(1, options.concurrency ?? 8));
  const callOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.correlationId ? { correlationId: options.correlationId } : {}),
  };
  let done = 0;

  // Adds finish before removals start: a resident moving between units never loses access in between.
  for (const phase of ['add', 'remove'] as const) {
    const batch = run.filter((o) => o.op === phase);
    const outcomes = await Promise.all(
      batch.map((op) =>
        limit(async (): Promise<OperationResult> => {
          const result = await applyOne(op, client, callOptions);
          done++;
          options.onProgress?.(done, run.length, result);
          return result;
        }),
      ),
    );
    results.push(...outcomes);
  }

  const counts: Record<OperationOutcome, number> = { applied: 0, already_absent: 0, held: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  const succeeded = counts.applied + counts.already_absent;
  const status: ApplyStatus =
    run.length === 0
      ? 'nothing_to_do'
      : counts.failed === 0
        ? 'applied'
        : succeeded === 0
          ? 'failed'
          : 'partial';
  return { status, results, counts };
}

async function applyOne(
  op: PendingOperation,
  client: OpenAppClient,
  callOptions: { signal?: AbortSignal; correlationId?: string },
): Promise<OperationResult> {
  try {
    if (op.op === 'add') {
      await client.addBuildingUser(op.integrationId, { userId: op.userId, role: op.role }, callOptions);
      return { ...strip(op), outcome: 'applied' };
    }
    const outcome = await client.removeBuildingUser(op.integrationId, op.userId, callOptions);
    return { ...strip(op), outcome: outcome === 'removed' ? 'applied' : 'already_absent' };
  } catch (err) {
    if (!(err instanceof OpenAppError)) throw err;
    return {
      ...strip(op),
      outcome: 'failed',
      error: err.message,
      ...(err.status ? { status: err.status } : {}),
    };
  }
}

function strip(op: PendingOperation): Omit<OperationResult, 'outcome'> {
  return { integrationId: op.integrationId, op: op.op, userId: op.userId, name: op.name };
}
