/**
 * What the database source (src/sources/database-source.ts) hands each driver (pg-source.ts,
 * mysql-source.ts) and what a driver gives back: the shared contract, kept apart so the drivers
 * and the source do not import each other.
 */
import type { DatabaseSourceError } from './database-error.js';
import type { SourceHeader, SourceRow } from './source-row.js';
import type { ParameterValue } from './sql-parameters.js';

export interface DatabaseRows {
  header: SourceHeader;
  rows: AsyncIterable<SourceRow>;
  /** Ends the transaction and the connection. Safe to call twice, after a failure, or mid-read. */
  close(): Promise<void>;
}

/** The query in the driver's own placeholders, its values, and how to word a failure. */
export interface DriverQuery {
  text: string;
  values: ParameterValue[];
  statementTimeoutMs: number;
  failure: FailureWording;
}

export interface FailureWording {
  /** Cannot connect, or the database refused the query: nothing was read. */
  open(stage: 'connect' | 'query', err: unknown): DatabaseSourceError;
  /** The message for a read that stopped after `rows` rows. */
  midRead(rows: number, err: unknown): string;
}

export const CONNECT_TIMEOUT_MS = 10_000;
/** Rows fetched per round trip (pg cursor batch, mysql2 stream buffer). */
export const FETCH_ROWS = 2_000;

/**
 * Waits for `work` at most `ms`, whatever its outcome: closing a connection that may be dead must
 * never hang a run, nor fail it.
 */
export async function settleWithin(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work.catch(() => undefined), limit]);
  } finally {
    clearTimeout(timer);
  }
}
