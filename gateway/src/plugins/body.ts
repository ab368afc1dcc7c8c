/**
 * JSON bodies are parsed once and their bytes kept: the proxy forwards the client's bytes
 * unchanged when it need not rewrite them, which saves a JSON.stringify per request.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayError } from '../errors';

export const bodyPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('rawBody', null);
    // JSON only: any other content type is a 415, not a string body that fails validation later.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      const buf = body as Buffer;
      req.rawBody = buf;
      if (buf.length === 0) return done(new GatewayError('invalid_json', 'request body is empty'), undefined);
      try {
        const parsed = JSON.parse(buf.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return done(new GatewayError('invalid_request', 'request body must be a JSON object'), undefined);
        }
        done(null, parsed);
      } catch {
        done(new GatewayError('invalid_json', 'request body is not valid JSON'), undefined);
      }
    });
  },
  { name: 'foundry-body' },
);
