/**
 * JSON bodies are parsed once and their bytes kept: the proxy forwards the client's bytes
 * unchanged when it need not rewrite them, which saves a JSON.stringify per request.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayError } from '../errors';
import { parseJsonObject } from '../http/json-body';

export const bodyPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('rawBody', null);
    // JSON only: any other content type is a 415, not a string body that fails validation later.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      const buf = body as Buffer;
      req.rawBody = buf;
      const parsed = parseJsonObject(buf);
      if (parsed instanceof GatewayError) done(parsed, undefined);
      else done(null, parsed);
    });
  },
  { name: 'foundry-body' },
);
