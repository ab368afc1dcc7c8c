import type { FastifyInstance } from 'fastify';
import { chatRouteSchema } from '../../schemas/chat';
import type { Services } from '../../services';
import { inferenceHandler } from './inference';

export async function chatCompletionsRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.post('/v1/chat/completions', { schema: chatRouteSchema }, inferenceHandler('chat', '/v1/chat/completions', opts.services));
}
