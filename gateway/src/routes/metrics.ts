/** Prometheus scrape endpoint (in-cluster; the NetworkPolicy limits who can reach it). */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services';

export async function metricsRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const reg = opts.services.metrics.registry;
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['observability'], response: { 200: { type: 'string' } } } }, async (_req, reply) => {
    reply.header('content-type', reg.contentType);
    return reg.metrics();
  });
}
