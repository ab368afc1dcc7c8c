/** One error handler for the whole app: every error leaves in OpenAI's shape via the code table. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayError, toGatewayError } from '../errors';
import { sendError } from '../http/reply';
import { validationError } from '../schemas/validate';
import type { Services } from '../services';

export const errorsPlugin = fp(
  async (app: FastifyInstance, opts: { services: Services }) => {
    app.setErrorHandler((err, _req, reply) => {
      const e = err as { validation?: { instancePath?: string; message?: string }[]; message?: string };
      const ge = e.validation ? validationError(e.validation, e.message) : toGatewayError(err);
      opts.services.metrics.error(ge.code);
      sendError(reply, ge);
    });
    app.setNotFoundHandler((req, reply) => {
      sendError(reply, new GatewayError('not_found', `Unknown route ${req.method} ${req.url.split('?')[0]}`));
    });
  },
  { name: 'foundry-errors' },
);
