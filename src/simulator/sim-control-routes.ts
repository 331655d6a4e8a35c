/**
 * Test endpoints under /_sim/: read the state and the request log, redeem an invitation as the
 * resident would, move the clock, change the fault knobs. Unauthenticated: the simulator is a
 * local test double and must never face the internet.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from './openapp-routes.js';
import type { FaultInjector } from './sim-faults.js';
import { faultPatchSchema, scriptedFaultSchema } from './sim-faults.js';
import type { RequestLog } from './sim-request-log.js';
import type { SimStore } from './sim-store.js';

const clockBody = z.union([
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
  z.strictObject({ advance_ms: z.number().int() }),
]);
const redeemBody = z.strictObject({ name: z.string().min(1).optional() }).optional();

export function registerControlRoutes(
  app: FastifyInstance,
  deps: { store: () => SimStore; log: RequestLog; faults: FaultInjector; reset: () => void },
): void {
  app.get('/_sim/state', async () => {
    const store = deps.store();
    const snapshot = store.toSnapshot();
    return {
      now: new Date(store.clock.now()).toISOString(),
      ...snapshot,
      invitations: snapshot.invitations.map((i) => ({ ...i, status: store.invitationStatus(i) })),
    };
  });

  app.get('/_sim/requests', async (req) => {
    const since = Number((req.query as Record<string, string | undefined>).since ?? 0);
    return { requests: deps.log.since(Number.isFinite(since) ? since : 0) };
  });

  app.delete('/_sim/requests', async (_req, reply) => {
    deps.log.clear();
    return reply.code(204).send();
  });

  app.post('/_sim/invitations/:id/redeem', async (req) => {
    const body = parseBody(redeemBody, req.body);
    const { invitation, user } = deps.store().redeemInvitation((req.params as { id: string }).id, body?.name);
    return { invitation_id: invitation.id, user_id: user.id, status: 'accepted' };
  });

  app.get('/_sim/clock', async () => ({ now: new Date(deps.store().clock.now()).toISOString() }));

  app.post('/_sim/clock', async (req) => {
    const body = parseBody(clockBody, req.body);
    const clock = deps.store().clock;
    if ('now' in body) clock.set(body.now);
    else clock.advance(body.advance_ms);
    return { now: new Date(clock.now()).toISOString() };
  });

  app.get('/_sim/faults', async () => deps.faults.current);

  app.put('/_sim/faults', async (req) => deps.faults.update(parseBody(faultPatchSchema, req.body)));

  /** Faults for exactly the next requests, in order: `[{ "kind": "throttle", "retryAfterSeconds": 1 }]`. */
  app.post('/_sim/faults/next', async (req) => ({
    queued: deps.faults.enqueue(parseBody(z.array(scriptedFaultSchema).min(1), req.body)),
  }));

  app.post('/_sim/reset', async (_req, reply) => {
    deps.reset();
    deps.log.clear();
    return reply.code(204).send();
  });
}
