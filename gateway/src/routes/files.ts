/**
 * GET /files/images/{name}?expires=&signature=: serves stored images to whoever holds a valid
 * signed URL (no API key, like an S3 presigned URL). Any replica serves any replica's URLs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors';
import { sendError } from '../http/reply';
import { verifyImagePath } from '../images/signed-url';
import { KEY_PATTERN } from '../images/store';
import { signedImageRouteSchema } from '../schemas/images';
import type { Services } from '../services';

type SignedImageRequest = FastifyRequest<{ Params: { name: string }; Querystring: { expires?: string; signature?: string } }>;

export async function filesRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const svc = opts.services;
  const fail = (reply: FastifyReply, err: GatewayError) => {
    svc.metrics.error(err.code);
    return sendError(reply, err);
  };
  app.get('/files/images/:name', { schema: signedImageRouteSchema }, async (req: SignedImageRequest, reply: FastifyReply) => {
    const images = svc.runtime().images;
    if (!images) return fail(reply, new GatewayError('not_found', 'This gateway has no object store configured.'));
    const { name } = req.params;
    const nowS = Math.floor(Date.now() / 1000);
    const denied = verifyImagePath(images.signingKey, name, req.query.expires, req.query.signature, nowS);
    if (denied) return fail(reply, denied);
    if (!KEY_PATTERN.test(name)) return fail(reply, new GatewayError('not_found', 'No such image.'));
    let obj;
    try {
      obj = await images.store.get(name);
    } catch (err) {
      return fail(reply, err instanceof GatewayError ? err : new GatewayError('storage_error', 'The image store failed.', { cause: err }));
    }
    if (!obj) return fail(reply, new GatewayError('not_found', 'The image is no longer in the store.'));
    reply.header('content-type', obj.contentType);
    reply.header('cache-control', `private, max-age=${Math.max(0, Number(req.query.expires) - nowS)}`);
    reply.header('x-content-type-options', 'nosniff');
    if (obj.length >= 0) reply.header('content-length', String(obj.length));
    return reply.send(obj.body);
  });
}
