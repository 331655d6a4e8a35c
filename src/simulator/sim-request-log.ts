/**
 * What the simulator was asked, in order: tests read it to prove how many calls a sync made
 * ("one mutation per change plus list calls"). Bounded, so a long benchmark cannot exhaust memory.
 */
export interface LoggedRequest {
  seq: number;
  /** When the request arrived, on the simulated clock, ISO. */
  at: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  status: number;
  durationMs: number;
  correlationId: string | undefined;
  key: string | undefined;
  /** Request body of mutations, as received. */
  body?: unknown;
  /**
   * Set when the answer was injected rather than computed. `reset`: the connection was dropped
   * before the route ran (status 0); `reset_after`: the route ran (its status is kept) and the
   * connection was dropped instead of answering.
   */
  fault?: 'reset' | 'reset_after' | 'error' | 'throttle' | 'rate_limit' | 'scripted';
  /**
   * The route ran (its status is kept) but the client was gone before the answer could be written:
   * killed, or it gave up waiting. Whatever the route changed stays changed.
   */
  undelivered?: true;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  constructor(private readonly capacity = 200_000) {}

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ ...entry, seq: ++this.seq });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  since(seq = 0): LoggedRequest[] {
    return seq === 0 ? [...this.entries] : this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.entries = [];
  }
}
