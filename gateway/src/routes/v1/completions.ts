import type { FastifyInstance } from 'fastify';
import { completionsRouteSchema } from '../../schemas/completions';
import type { Services } from '../../services';
import { inferenceHandler } from './inference';

export async function completionsRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.post('/v1/completions', { schema: completionsRouteSchema }, inferenceHandler('completions', '/v1/completions', opts.services));
}
