import type { FastifyInstance } from 'fastify';
import { embeddingsRouteSchema } from '../../schemas/completions';
import type { Services } from '../../services';
import { inferenceHandler } from './inference';

export async function embeddingsRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.post('/v1/embeddings', { schema: embeddingsRouteSchema }, inferenceHandler('embeddings', '/v1/embeddings', opts.services));
}
