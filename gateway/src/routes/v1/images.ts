/**
 * POST /v1/images/generations: the runtime is always asked for b64_json; for a URL answer the
 * gateway stores the images and signs URLs to them (images/answer.ts). Routing, limits,
 * guardrails on the prompt and accounting are the shared inference path's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors';
import { sendError } from '../../http/reply';
import { storeImageAnswer } from '../../images/answer';
import { imagesRouteSchema } from '../../schemas/images';
import type { Services } from '../../services';
import { serveInference } from './inference';
import { exchangeOf } from './inference-routes';

const ROUTE = '/v1/images/generations';
// A Host header is client input: only a plain host[:port] may become part of a URL we hand out.
const HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

export async function imagesRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const svc = opts.services;
  app.post(ROUTE, { schema: imagesRouteSchema }, (req: FastifyRequest, reply: FastifyReply) => {
    const body = req.body as Record<string, unknown>;
    const images = req.fdyRuntime!.images;
    if (body.stream === true) {
      return sendError(reply, new GatewayError('invalid_request', 'Streaming image generation is not supported by this gateway; leave `stream` unset.', { param: 'stream' }));
    }
    const wants = body.response_format ?? (images ? 'url' : 'b64_json');
    if (wants === 'url' && !images) {
      return sendError(reply, new GatewayError('invalid_request', 'This gateway has no object store configured, so it cannot return image URLs; ask for response_format "b64_json" (or configure [object_store]).', { param: 'response_format' }));
    }
    let finish = null;
    if (wants === 'url') {
      let requestBase = '';
      if (!images!.publicBaseUrl) {
        if (!HOST.test(req.host)) return sendError(reply, new GatewayError('invalid_request', 'The Host header is not a valid host name, so no image URL can be built; send a plain host[:port] or configure object_store.public_base_url.'));
        requestBase = `${req.protocol}://${req.host}`;
      }
      finish = (answer: Buffer | string) => storeImageAnswer(answer, { images: images!, requestBase, nowS: Math.floor(Date.now() / 1000) });
    }
    const upstream = body.response_format === 'b64_json' ? body : { ...body, response_format: 'b64_json' };
    const raw = upstream === body ? req.rawBody! : Buffer.from(JSON.stringify(upstream));
    return serveInference(exchangeOf(req, reply), svc, { op: 'images', routeLabel: ROUTE, body: upstream, raw, shape: null, finish });
  });
}
