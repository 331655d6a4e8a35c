/** A command was called in a way it cannot honour (exit code 2): fix the call, do not retry it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
