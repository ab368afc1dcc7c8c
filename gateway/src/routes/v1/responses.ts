import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { responsesShape, toChatBody } from '../../responses/translate';
import { responsesRouteSchema } from '../../schemas/responses';
import type { Services } from '../../services';
import { runInference } from './inference';

/** POST /v1/responses, text only: translated onto the chat path and back. */
export async function responsesRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.post('/v1/responses', { schema: responsesRouteSchema }, (req: FastifyRequest, reply: FastifyReply) => {
    const r = req.body as Record<string, unknown>;
    const body = toChatBody(r);
    return runInference(req, reply, opts.services, { op: 'chat', routeLabel: '/v1/responses', body, raw: Buffer.from(JSON.stringify(body)), shape: responsesShape(r) });
  });
}
