/** A running sync in one sentence, for the run page's live region (polled as JSON). */
import type { QueueClient } from '../../queue/queue-client.js';
import type { RunRecord } from '../../queue/run-record.js';
import type { Directory } from './format.js';

export interface RunProgress {
  status: string;
  /** Nothing will change any more without someone acting: the page shows the outcome. */
  settled: boolean;
  text: string;
}

const ACTIVE = new Set(['queued', 'running']);

export async function runProgress(run: RunRecord, queues: QueueClient, dir: Directory): Promise<RunProgress> {
  const settled = !ACTIVE.has(run.status);
  if (settled) return { status: run.status, settled, text: `The run is ${run.status}.` };
  const buildings = Object.values(run.buildings);
  if (buildings.length === 0) {
    const text = run.status === 'queued' ? 'Waiting for a worker.' : 'Reading the source.';
    return { status: run.status, settled, text };
  }
  const parts = await Promise.all(
    buildings.map(async (b) => {
      let detail = '';
      if (b.status === 'applying') {
        // BullMQ has the apply's progress (changes done of total) on the building's sync job.
        const job = await queues.buildingsQueue.getJob(`sync-${run.id}-${b.integrationId}`);
        const p = job?.progress as { done?: number; total?: number } | undefined;
        if (p && typeof p.done === 'number' && typeof p.total === 'number')
          detail = ` (${p.done} of ${p.total} changes)`;
      }
      return `${dir.building(b.integrationId)}: ${b.status}${detail}`;
    }),
  );
  return { status: run.status, settled, text: `Running. ${parts.join('; ')}.` };
}
