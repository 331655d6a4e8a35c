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
  /** For failures: whether trying again later can succeed, and how long OpenApp asked to wait. */
  retryable?: boolean;
  retryAfterMs?: number;
}

export type ApplyStatus = 'nothing_to_do' | 'applied' | 'partial' | 'failed';

export interface ApplyReport {
  status: ApplyStatus;
  results: OperationResult[];
  counts: Record<OperationOutcome, number>;
}

/**
 * Where an apply records each operation before and after its call, so that an apply cut short (a
 * killed worker) resumes without repeating or skipping anything. See CheckpointStore.
 */
export interface ApplyJournal {
  load(): Promise<Map<string, { state: 'in_flight' } | { state: 'done'; result: OperationResult }>>;
  inFlight(op: OperationRef): Promise<void>;
  done(result: OperationResult): Promise<void>;
}

/** What names one operation of a plan, in a journal or a log. */
export interface OperationRef {
  integrationId: string;
  op: OperationKind;
  userId: string;
}

export const journalKey = (op: OperationRef) => `${op.integrationId}:${op.op}:${op.userId}`;

export interface ApplyOptions {
  journal?: ApplyJournal;
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
  const journal = options.journal;
  const previous = journal ? await journal.load() : new Map();
  const alreadyDone = new Set<PendingOperation>();
  for (const op of run) {
    const entry = previous.get(journalKey(op));
    // A failed operation is tried again (after a look at OpenApp, below), a finished one never.
    if (entry?.state === 'done' && entry.result.outcome !== 'failed') {
      results.push(entry.result);
      alreadyDone.add(op);
    }
  }
  // An operation that was in flight when the last attempt died may or may not have reached
  // OpenApp: look before acting, so that the resumed apply does not send it twice.
  const uncertain = run.filter((op) => {
    const entry = previous.get(journalKey(op));
    return entry?.state === 'in_flight' || (entry?.state === 'done' && entry.result.outcome === 'failed');
  });
  for (const op of await alreadySatisfied(uncertain, client, callOptions)) {
    const result: OperationResult = { ...strip(op), outcome: 'applied' };
    await journal?.done(result);
    results.push(result);
    alreadyDone.add(op);
  }
  done = alreadyDone.size;

  // Adds finish before removals start: a resident moving between units never loses access in between.
  for (const phase of ['add', 'remove'] as const) {
    const batch = run.filter((o) => o.op === phase && !alreadyDone.has(o));
    const outcomes = await Promise.all(
      batch.map((op) =>
        limit(async (): Promise<OperationResult> => {
          await journal?.inFlight(op);
          const result = await applyOne(op, client, callOptions);
          await journal?.done(result);
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
    // The worker retries the job (resuming from the journal) only for failures marked retryable.
    return {
      ...strip(op),
      outcome: 'failed',
      error: err.message,
      ...(err.status ? { status: err.status } : {}),
      retryable: err.retryable,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  }
}

/** The uncertain operations whose effect OpenApp already shows. */
async function alreadySatisfied(
  ops: PendingOperation[],
  client: OpenAppClient,
  callOptions: { signal?: AbortSignal; correlationId?: string },
): Promise<PendingOperation[]> {
  const satisfied: PendingOperation[] = [];
  for (const integrationId of new Set(ops.map((o) => o.integrationId))) {
    const users = await client.listBuildingUsers(integrationId, callOptions);
    for (const op of ops.filter((o) => o.integrationId === integrationId)) {
      const holds = users.some((u) => u.userId === op.userId && u.role === op.role);
      if ((op.op === 'add' && holds) || (op.op === 'remove' && !holds)) satisfied.push(op);
    }
  }
  return satisfied;
}

function strip(op: PendingOperation): Omit<OperationResult, 'outcome'> {
  return { integrationId: op.integrationId, op: op.op, userId: op.userId, name: op.name };
}
