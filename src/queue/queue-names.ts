/**
 * Names of queues and Redis keys. Everything hangs under one prefix, so several installations (or
 * tests) share a Redis without seeing each other.
 */
export interface QueueNames {
  prefix: string;
  /** sync-feed jobs: read a feed's source once and fan out. */
  feeds: string;
  /** sync-building jobs: plan and apply one building. */
  buildings: string;
  /** finish-feed-run jobs: the parent of a run's building jobs. */
  runs: string;
}

export function queueNames(prefix = 'pms-sync'): QueueNames {
  return { prefix, feeds: 'feeds', buildings: 'buildings', runs: 'runs' };
}

/** Keys of pms-sync's own records (BullMQ keeps its own under `${prefix}:${queue}:…`). */
export const keys = {
  run: (p: string, runId: string) => `${p}:run:${runId}`,
  runIndex: (p: string) => `${p}:runs`,
  checkpoints: (p: string, runId: string, integrationId: string) => `${p}:run:${runId}:ops:${integrationId}`,
  snapshot: (p: string, runId: string, integrationId: string) => `${p}:snapshot:${runId}:${integrationId}`,
  lastGood: (p: string, feed: string) => `${p}:feed:${feed}:last-good`,
  pollMark: (p: string, feed: string) => `${p}:feed:${feed}:poll-mark`,
  buildingLock: (p: string, integrationId: string) => `${p}:lock:building:${integrationId}`,
};
