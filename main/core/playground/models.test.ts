import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoundryError } from '../errors';
import { listModels, MAX_MODELS_BODY } from './models';
import type { ResolvedTarget } from './targets';
import { fromHttpStatus, fromNetworkError } from './upstream-errors';

// A real HTTP server on 127.0.0.1 answering /v1/models the ways an endpoint can: long, split mid-character, without end.
const agent = new Agent();
let server: Server;
let baseUrl: string;
const routes = new Map<string, (res: ServerResponse) => void>();

const manyModels = Array.from({ length: 5_000 }, (_, i) => ({ id: `org-${String(i).padStart(4, '0')}/llama-3.1-8b-instruct-awq`, object: 'model', created: 1_700_000_000, owned_by: 'foundry' }));

beforeAll(async () => {
  routes.set('/many', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [...manyModels].reverse() })));
  routes.set('/split', (res) => {
    // "é" is two bytes in UTF-8; the first chunk ends between them.
    const bytes = Buffer.from(JSON.stringify({ data: [{ id: 'modèle-fr', owned_by: 'ops' }] }));
    const cut = bytes.indexOf(Buffer.from('è')) + 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(bytes.subarray(0, cut));
    setTimeout(() => res.end(bytes.subarray(cut)), 20);
  });
  routes.set('/endless', (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[');
    const entry = Buffer.from(`${JSON.stringify(manyModels[0])},`.repeat(1_000));
    const pump = () => {
      while (!res.destroyed && res.write(entry));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  routes.set('/refused', (res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid API key.', type: 'invalid_request_error', code: 'invalid_api_key' } })));
  server = createServer((req, res) => {
    const route = routes.get(req.url!.replace(/\/v1\/models$/, ''));
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await agent.close();
});

const target = (path: string): ResolvedTarget => ({
  label: `${baseUrl}${path}`,
  baseUrl: `${baseUrl}${path}`,
  dispatcher: agent,
  headers: { authorization: 'Bearer sk-test' },
  howToCall: { kind: 'url', baseUrl: `${baseUrl}${path}` },
  failure: (status, body, retryAfter, model) => fromHttpStatus({ status, body, retryAfter, model }, 'sk-test'),
  unreachable: (err) => fromNetworkError(err, `${baseUrl}${path}`),
  release: async () => undefined,
});

describe('listModels', () => {
  it('reads a listing of thousands of models whole, sorted by id', async () => {
    const models = await listModels(target('/many'));
    expect(JSON.stringify({ data: manyModels }).length).toBeGreaterThan(64 * 1024);
    expect(models).toHaveLength(5_000);
    expect(models[0]).toEqual({ id: 'org-0000/llama-3.1-8b-instruct-awq', ownedBy: 'foundry' });
    expect(models.at(-1)!.id).toBe('org-4999/llama-3.1-8b-instruct-awq');
  });

  it('keeps a character whole when the answer splits it between two chunks', async () => {
    expect(await listModels(target('/split'))).toEqual([{ id: 'modèle-fr', ownedBy: 'ops' }]);
  });

  it('stops reading an answer past its bound and says so, instead of hanging or running out of memory', async () => {
    const err = await listModels(target('/endless')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FoundryError);
    expect((err as FoundryError).code).toBe('FAILED_PRECONDITION');
    expect((err as FoundryError).message).toBe(`${baseUrl}/endless answered /v1/models with more than ${MAX_MODELS_BODY / 1024 / 1024} MiB; Foundry reads no more of a model list than that.`);
  });

  it("still reports a refused key with the endpoint's own message", async () => {
    const err = await listModels(target('/refused')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FoundryError);
    expect((err as FoundryError).message).toContain('Invalid API key.');
  });
});
