/**
 * One error type for everything that goes wrong talking to OpenApp, so callers branch on fields
 * (status, code, retryable) rather than on message text. It never holds request headers, so a
 * logged error cannot leak the API key.
 */
export interface OpenAppErrorDetails {
  /** Operation name, e.g. `listBuildingUsers`. */
  operation: string;
  method: string;
  /** Route template with ids filled in but no query string (queries can hold an email). */
  path: string;
  /** HTTP status; undefined when no response arrived (network error, timeout, abort). */
  status?: number;
  /** Stable code from the body (`error_code`, or `code` as the public docs name it). */
  code?: string;
  requestId?: string;
  correlationId?: string;
  /** Whether trying the same call again later can succeed (429, 5xx, 408, 425, network). */
  retryable: boolean;
  /** Server-requested wait before retrying, from Retry-After. */
  retryAfterMs?: number;
  /** How many attempts were made before giving up. */
  attempts?: number;
  cause?: unknown;
}

export class OpenAppError extends Error {
  override readonly name: string = 'OpenAppError';
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** Set by the transport when it gives up, so the error tells how hard it tried. */
  attempts: number | undefined;

  constructor(message: string, details: OpenAppErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.correlationId = details.correlationId;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }

  /** A plain object for logs and run reports. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      operation: this.operation,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      requestId: this.requestId,
      correlationId: this.correlationId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      attempts: this.attempts,
    };
  }
}

/** The response arrived but does not match the contract: retrying will not help. */
export class OpenAppContractError extends OpenAppError {
  override readonly name = 'OpenAppContractError';
}

/** The configured API generation has no such operation (org invitations on 2025). */
export class UnsupportedByGenerationError extends Error {
  override readonly name = 'UnsupportedByGenerationError';
}
