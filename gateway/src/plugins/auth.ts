/**
 * fastify's entry to authentication (auth/authenticate.ts) for the /v1/* routes fastify serves:
 * models, images, and inference requests the fast path leaves to fastify (http/fast-path.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AuthDenied, authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { sendError } from '../http/reply';
import type { Services } from '../services';

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { services: Services }) => {
    const svc = opts.services;
    app.decorateRequest('fdyT0', 0);
    app.decorateRequest('fdyRuntime', null);
    app.decorateRequest('fdyPrincipal', null);

    app.addHook('onRequest', (req, reply, done) => {
      req.fdyT0 = performance.now();
      if (!req.url.startsWith('/v1/')) return done();
      const rt = svc.runtime();
      req.fdyRuntime = rt;
      const settle = (r: Principal | AuthDenied) => {
        if (r instanceof AuthDenied) return void sendError(reply, r.error, r.headers);
        req.fdyPrincipal = r;
        done();
      };
      const r = authenticate(rt, svc, req.headers, req.ip);
      if (r instanceof Promise) r.then(settle);
      else settle(r);
    });
  },
  { name: 'foundry-auth' },
);
