/**
 * Standard Webhooks deliveries as a PMS sends them: the secret both sides know, the move-out event
 * the benchmark posts, and a signer that gives every delivery a fresh webhook-id and timestamp.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The feed every part of the benchmark posts to (test/helpers/worker.ts `writeFeed` names it). */
export const FEED = 'demo';
export const WEBHOOK_PATH = `/webhooks/${FEED}`;
/** The variable the feeds file names for the feed's secret. */
export const SECRET_ENV = 'WEBHOOK_SECRET_DEMO';
const SECRET_BYTES = Buffer.from('pms-sync-bench-webhook-secret-bytes');
export const WEBHOOK_SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** What the feeds file gets appended, as the integration test does (max_body_bytes as there). */
export const WEBHOOKS_FEED_LINE = `    webhooks: { scheme: standard, secret_env: ${SECRET_ENV}, max_body_bytes: 4096 }\n`;

/** "Look at unit 101 of Maple Court": a run of that one building. */
export const MOVE_OUT_BODY = JSON.stringify({
  type: 'resident.moved_out',
  data: { property: 'Maple Court', unit: '101' },
});

/** A type alias, not an interface: it must fit autocannon's `IncomingHttpHeaders` index signature. */
export type SignedHeaders = {
  'content-type': string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** A delivery id no other delivery of this process has: a per-process random part and a counter. */
export function deliveryIds(): () => string {
  const run = randomBytes(6).toString('hex');
  let n = 0;
  return () => `msg_bench_${run}_${(++n).toString(36)}`;
}

/** The headers of one delivery of `body`, signed now under `id`. */
export function signedHeaders(id: string, body: string, nowMs = Date.now()): SignedHeaders {
  const timestamp = Math.floor(nowMs / 1000);
  const signature = createHmac('sha256', SECRET_BYTES).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
