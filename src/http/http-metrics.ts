/**
 * Prometheus metrics: webhook deliveries counted as they happen; runs and queue depth read from
 * Redis when scraped, so they are right whichever worker process did the work.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type { RunStore } from '../queue/run-store.js';

export interface ServerMetrics {
  registry: Registry;
  webhooks: Counter<'feed' | 'outcome'>;
  openappLatency: Histogram<'operation' | 'status'>;
  openappThrottled: Counter<'operation'>;
}

export function createMetrics(sources: { runs: RunStore; queues: Queue[] }): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pms_sync_' });
  const webhooks = new Counter({
    name: 'pms_sync_webhook_deliveries_total',
    help: 'Webhook deliveries by feed and outcome (accepted, duplicate, rejected_signature, bad_request, unavailable, ...)',
    labelNames: ['feed', 'outcome'] as const,
    registers: [registry],
  });
  const openappLatency = new Histogram({
    name: 'pms_sync_openapp_request_seconds',
    help: 'OpenApp call latency seen by this process',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const openappThrottled = new Counter({
    name: 'pms_sync_openapp_throttled_total',
    help: 'OpenApp answers 429 seen by this process',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'pms_sync_runs',
    help: 'Runs kept in Redis, by trigger and status',
    labelNames: ['trigger', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const run of await sources.runs.listMeta(1000))
        this.inc({ trigger: run.trigger, status: run.status });
    },
  });
  new Gauge({
    name: 'pms_sync_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of sources.queues) {
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'failed',
          'completed',
          'waiting-children',
        );
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  return { registry, webhooks, openappLatency, openappThrottled };
}

/** What an OpenAppClient reports each answered attempt to (its `onAttempt` option). */
export function openAppCallObserver(metrics: ServerMetrics) {
  return ({ operation, status, durationMs }: { operation: string; status: number; durationMs: number }) => {
    metrics.openappLatency.observe({ operation, status: String(status) }, durationMs / 1000);
    if (status === 429) metrics.openappThrottled.inc({ operation });
  };
}

/** Invitations for the feeds' buildings by status, read through `statuses` when scraped. */
export function registerInvitationGauge(metrics: ServerMetrics, statuses: () => Promise<string[]>): void {
  new Gauge({
    name: 'pms_sync_invitations',
    help: "Invitations for the feeds' buildings, by status",
    labelNames: ['status'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const status of await statuses()) this.inc({ status });
    },
  });
}
