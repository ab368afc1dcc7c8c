/**
 * Authentication for /v1/*: API keys (sync, constant-time digest compare) or JWTs (async). Runs
 * in onRequest, before the body is read, so unauthenticated callers cannot make us parse
 * megabytes. Failures drain a per-IP bucket; an IP out of attempts gets 429 without a check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../errors';
import { sendError } from '../http/reply';
import type { Services } from '../services';

const MISSING = new GatewayError('invalid_api_key', 'You didn\'t provide an API key. Use "Authorization: Bearer YOUR_KEY" (or an "x-api-key" header).');
const INVALID = new GatewayError('invalid_api_key', 'Incorrect API key provided.');

/**
 * The caller's key or JWT. `x-api-key` (Anthropic's SDKs) and `api-key` (Azure OpenAI's) are accepted
 * beside the bearer header because the Kubernetes API server's service proxy strips Authorization after
 * authenticating its own caller, so the desktop reaches a cluster's gateway with `x-api-key`.
 */
function presentedCredential(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') return h.startsWith('Bearer ') ? h.slice(7).trim() : null;
  const alt = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof alt === 'string' && alt.length > 0 ? alt.trim() : null;
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { services: Services }) => {
    const svc = opts.services;
    app.decorateRequest('fdyT0', 0);
    app.decorateRequest('fdyRuntime', null);
    app.decorateRequest('fdyPrincipal', null);

    const fail = (req: FastifyRequest, reply: FastifyReply, err: GatewayError) => {
      req.fdyRuntime!.failedAuth.recordFailure(req.ip, Date.now());
      svc.metrics.error(err.code);
      reply.header('www-authenticate', 'Bearer');
      sendError(reply, err);
    };

    app.addHook('onRequest', (req, reply, done) => {
      req.fdyT0 = performance.now();
      if (!req.url.startsWith('/v1/')) return done();
      const rt = svc.runtime();
      req.fdyRuntime = rt;
      const now = Date.now();
      const wait = rt.failedAuth.blockedFor(req.ip, now);
      if (wait > 0) {
        svc.metrics.error('auth_rate_limited');
        sendError(reply, new GatewayError('auth_rate_limited', 'Too many failed authentication attempts.', { retryAfterS: wait }));
        return;
      }
      const token = presentedCredential(req);
      if (token === null) return fail(req, reply, MISSING);
      if (token.startsWith('fdy_')) {
        const r = rt.keys.verify(token, now);
        if (r instanceof GatewayError) return fail(req, reply, r);
        req.fdyPrincipal = r;
        return done();
      }
      if (!rt.jwt || token.split('.').length !== 3) return fail(req, reply, INVALID);
      rt.jwt(token).then(
        (r: Principal | GatewayError) => {
          if (r instanceof GatewayError) return fail(req, reply, r);
          req.fdyPrincipal = r;
          done();
        },
        () => fail(req, reply, INVALID),
      );
    });
  },
  { name: 'foundry-auth' },
);
