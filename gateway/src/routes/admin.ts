/**
 * Admin endpoints for the desktop (reached through the Kubernetes service proxy): live state and
 * the usage feed by cursor. Guarded by the admin token; with none configured they are closed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors';
import { sendError } from '../http/reply';
import { errorSchema } from '../schemas/common';
import type { Services } from '../services';

export interface AdminOptions {
  services: Services;
  lastReload: () => { at: string | null; ok: boolean; errors: string[] };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `x-foundry-admin-token` is the header the desktop uses: the Kubernetes API server's service proxy, the
 * only way in, strips Authorization after authenticating the desktop itself. Bearer works for direct calls.
 */
function adminCredential(req: FastifyRequest): string {
  const own = req.headers['x-foundry-admin-token'];
  if (typeof own === 'string') return own;
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : '';
}

export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const svc = opts.services;
  app.addHook('onRequest', (req, reply, done) => {
    const token = svc.runtime().adminToken;
    const given = adminCredential(req);
    if (!token || !timingSafeEqual(digest(given), digest(token))) {
      sendError(reply, new GatewayError('admin_forbidden', 'Admin token required.'));
      return;
    }
    done();
  });

  app.get('/admin/state', { schema: { summary: 'Live gateway state', tags: ['admin'], response: { 403: errorSchema } } }, async () => {
    const rt = svc.runtime();
    const now = Date.now();
    return {
      loaded_at: new Date(rt.loadedAt).toISOString(),
      last_reload: opts.lastReload(),
      api_keys: rt.keys.size,
      in_flight_streams: svc.streams.size,
      models: [...rt.models.values()].map((m) => ({
        name: m.name,
        strategy: m.config.strategy,
        targets: m.targets.map((t) => ({
          id: t.id,
          provider: t.provider.name,
          kind: t.provider.kind,
          weight: t.weight,
          outstanding: t.state.outstanding,
          ewma_ms: Math.round(t.state.ewmaMs * 100) / 100,
          breaker: t.state.breaker.state,
          kv: t.state.kv ? { cache_usage: t.state.kv.cacheUsage, waiting: t.state.kv.waiting, age_ms: now - t.state.kv.at } : null,
        })),
      })),
    };
  });

  app.get(
    '/admin/usage',
    {
      schema: {
        summary: 'Usage events after a cursor',
        tags: ['admin'],
        // Strings on purpose: the app validates without type coercion (bodies are forwarded as sent).
        querystring: { type: 'object', properties: { cursor: { type: 'string', pattern: '^[0-9]{1,15}$' }, limit: { type: 'string', pattern: '^[0-9]{1,5}$' } } },
        response: { 403: errorSchema },
      },
    },
    async (req: FastifyRequest<{ Querystring: { cursor?: string; limit?: string } }>) =>
      svc.usage.read(Number(req.query.cursor ?? 0), Math.min(10_000, Math.max(1, Number(req.query.limit ?? 1000)))),
  );
}
