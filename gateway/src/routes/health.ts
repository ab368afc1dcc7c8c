/** Liveness and readiness. Ready means: a config is loaded and we are not draining. */
import type { FastifyInstance } from 'fastify';

export async function healthRoutes(app: FastifyInstance, opts: { draining: () => boolean }): Promise<void> {
  const status = { type: 'object', properties: { status: { type: 'string' } } };
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'], response: { 200: status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Readiness', tags: ['health'], response: { 200: status, 503: status } } }, async (_req, reply) => {
    if (opts.draining()) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready' };
  });
}
