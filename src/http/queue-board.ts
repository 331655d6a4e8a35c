/** bull-board at `/ui`: the queues and their jobs, behind the admin token. */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { isAdmin } from './admin-auth.js';

export function registerQueueBoard(
  app: FastifyInstance,
  deps: { queues: Queue[]; adminToken: string },
): void {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/ui');
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!isAdmin(req.headers.authorization, deps.adminToken)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ message: 'admin token required' });
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: '/ui' });
  });
}
