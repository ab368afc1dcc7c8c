/** One error handler for the whole app: every error leaves in OpenAI's shape via the code table. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayError, toGatewayError } from '../errors';
import { sendError } from '../http/reply';
import type { Services } from '../services';

export const errorsPlugin = fp(
  async (app: FastifyInstance, opts: { services: Services }) => {
    app.setErrorHandler((err, _req, reply) => {
      const e = err as { validation?: { instancePath?: string }[]; validationContext?: string; message?: string };
      let ge = toGatewayError(err);
      if (e.validation) {
        const path = e.validation[0]?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || null;
        ge = new GatewayError('invalid_request', e.message ?? 'invalid request', { param: path ?? undefined });
      }
      opts.services.metrics.error(ge.code);
      sendError(reply, ge);
    });
    app.setNotFoundHandler((req, reply) => {
      sendError(reply, new GatewayError('not_found', `Unknown route ${req.method} ${req.url.split('?')[0]}`));
    });
  },
  { name: 'foundry-errors' },
);
