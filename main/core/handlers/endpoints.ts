import type { HandlerTable } from './types';
import { signedIn } from './types';
import type { Endpoint } from '../endpoints/types';

type EndpointHandlers = Pick<HandlerTable, 'endpoints:list' | 'endpoints:get' | 'endpoints:create' | 'endpoints:update' | 'endpoints:remove' | 'endpoints:test'>;

// Audit records name what changed, never the key: only whether one is set and whether it was replaced.
const record = (e: Endpoint, extra: Record<string, unknown> = {}) => ({
  target: e.id,
  details: {
    name: e.name,
    kind: e.kind,
    baseUrl: e.baseUrl,
    upstreamModel: e.upstreamModel,
    keySet: e.keySet,
    // Which CA is trusted, by fingerprint: enough to audit, without copying the bundle around.
    caCertificates: e.caCertificates?.map((c) => c.fingerprint256) ?? null,
    projects: e.projects === null ? 'all' : e.projects.map((p) => p.name),
    fallback: e.fallback?.name ?? null,
    requestsPerMinute: e.requestsPerMinute,
    tokensPerMinute: e.tokensPerMinute,
    ...extra,
  },
});

export const endpointHandlers: EndpointHandlers = {
  'endpoints:list': { run: (ctx) => ctx.core.endpoints.list(signedIn(ctx)) },
  'endpoints:get': { run: (ctx, input) => ctx.core.endpoints.get(input.endpointId, signedIn(ctx)) },
  'endpoints:create': {
    run: (ctx, input) => ctx.core.endpoints.create(input, signedIn(ctx)),
    audit: (_i, e) => record(e),
  },
  'endpoints:update': {
    before: (ctx, input) => {
      const e = ctx.core.endpoints.get(input.endpointId, signedIn(ctx));
      return { requestsPerMinute: e.requestsPerMinute, tokensPerMinute: e.tokensPerMinute };
    },
    run: (ctx, { endpointId, ...patch }) => ctx.core.endpoints.update(endpointId, patch, signedIn(ctx)),
    // The limits as they were, next to the record's current ones, so a change reads as before → after.
    audit: (i, e, before) => record(e, { keyReplaced: i.apiKey !== undefined, keyCleared: i.clearApiKey === true, limitsBefore: before }),
  },
  'endpoints:remove': {
    run: (ctx, input) => ctx.core.endpoints.remove(input.endpointId, input.confirmName, signedIn(ctx)),
    audit: (_i, e) => ({ target: e.id, details: { name: e.name } }),
  },
  'endpoints:test': { run: (ctx, input) => ctx.core.endpoints.test(input.endpointId, signedIn(ctx)) },
};
