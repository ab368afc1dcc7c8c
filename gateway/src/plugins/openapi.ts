/**
 * /openapi.json is generated from the route schemas (collected as routes register), so the
 * document cannot drift from what the gateway validates.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

interface Collected {
  method: string;
  url: string;
  schema: Record<string, any>;
}

function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function buildOpenApi(routes: Collected[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = { summary: r.schema.summary, operationId: r.schema.operationId, tags: r.schema.tags };
    if (r.schema.description) op.description = r.schema.description;
    if (r.url.startsWith('/v1/')) op.security = [{ bearer: [] }];
    if (r.url.startsWith('/admin/')) op.security = [{ adminToken: [] }];
    if (r.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    const params: unknown[] = [];
    for (const [name, s] of Object.entries<any>(r.schema.params?.properties ?? {})) params.push({ name, in: 'path', required: true, schema: s });
    for (const [name, s] of Object.entries<any>(r.schema.querystring?.properties ?? {})) params.push({ name, in: 'query', required: false, schema: s });
    if (params.length) op.parameters = params;
    const responses: Record<string, unknown> = {};
    for (const [code, s] of Object.entries<any>(r.schema.response ?? { 200: {} })) {
      const { $id: _id, ...schema } = s ?? {};
      const type = code === '200' && r.url === '/metrics' ? 'text/plain' : 'application/json';
      const content = schema.format === 'binary' ? { 'image/png': { schema }, 'image/jpeg': { schema }, 'image/webp': { schema } } : { [type]: { schema } };
      responses[code] = { description: code === '200' ? 'OK' : 'Error in OpenAI error shape', content };
      if (code === '200' && (r.url === '/v1/chat/completions' || r.url === '/v1/completions' || r.url === '/v1/responses')) {
        (responses[code] as any).content['text/event-stream'] = { schema: { type: 'string', description: 'Server-sent events when stream=true' } };
      }
    }
    op.responses = responses;
    (paths[toOpenApiPath(r.url)] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Foundry gateway', version, description: 'OpenAI-compatible inference gateway.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'fdy_ API key or JWT' }, adminToken: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    const routes: Collected[] = [];
    app.addHook('onRoute', (r: RouteOptions) => {
      if (!r.schema || (r.schema as any).hide) return;
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const m of methods) if (m !== 'HEAD') routes.push({ method: m, url: r.url, schema: r.schema as Record<string, any> });
    });
    let doc: Record<string, unknown> | null = null;
    app.get('/openapi.json', { schema: { hide: true } as any }, async () => (doc ??= buildOpenApi(routes, '0.1.0')));
  },
  { name: 'foundry-openapi' },
);
