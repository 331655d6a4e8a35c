/**
 * A database source that could not be read at all: no connection, a query the database refused, a
 * variable not set. Nothing is planned from it, so nobody is removed. The message names the feed,
 * the query and what the database said, never the password. (A read that fails after rows came is
 * a SourceReadError instead: the rows read so far still add residents.)
 */
export class DatabaseSourceError extends Error {
  override readonly name = 'DatabaseSourceError';
  constructor(
    message: string,
    /** False when trying again cannot help (bad SQL, bad credentials, no such database or variable). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface DriverError {
  message?: unknown;
  /** pg: the SQLSTATE; mysql2: a name like ER_NO_SUCH_TABLE; Node: ECONNREFUSED. */
  code?: unknown;
  /** mysql2: the SQLSTATE. */
  sqlState?: unknown;
}

/**
 * SQLSTATE classes that mean the query, its data or the credentials are wrong: syntax or access
 * (42), authorization (28), no such database (3D) or schema (3F), data (22), a write in a read-only
 * transaction (25), not supported (0A), cardinality (21), check option (44).
 */
const PERMANENT_CLASSES = new Set(['0A', '21', '22', '25', '28', '3D', '3F', '42', '44']);

function sqlStateOf(err: DriverError): string | undefined {
  if (typeof err.sqlState === 'string' && err.sqlState.length === 5) return err.sqlState;
  if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return err.code;
  return undefined;
}

/** Whether trying the read again later may succeed (a dropped connection, a timeout, a restart). */
export function isRetryableDatabaseError(err: unknown): boolean {
  const state = sqlStateOf((err ?? {}) as DriverError);
  return state === undefined || !PERMANENT_CLASSES.has(state.slice(0, 2));
}

/** What the database (or the driver) said, with its code: `relation "leases" does not exist (SQLSTATE 42P01)`. */
export function databaseMessage(err: unknown): string {
  const e = (err ?? {}) as DriverError;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const state = sqlStateOf(e);
  const code = typeof e.code === 'string' && e.code !== state ? e.code : undefined;
  const tags = [code, state && `SQLSTATE ${state}`].filter(Boolean);
  return tags.length > 0 ? `${message} (${tags.join(', ')})` : message;
}

/** The query as a message shows it: one line, cut to a readable length. */
export function queryForMessage(sql: string, max = 200): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
