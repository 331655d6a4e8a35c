/** Process exit codes, the same for every command (scripts and cron wrappers branch on them). */
export const EXIT = {
  ok: 0,
  /** Something failed while running: OpenApp unreachable, a server error. */
  failure: 1,
  /** Bad usage, configuration or input: fix the call, do not retry it. */
  usage: 2,
  /** A plan was held by a safety guard. */
  held: 3,
} as const;
