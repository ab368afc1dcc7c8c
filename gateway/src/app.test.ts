import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, secretsFrom, sse, type Running } from '../test-support/harness';

let sim: Simulator;
let gw: Running;
const full = apiKey('k-full', 'team-a');
const narrow = apiKey('k-narrow', 'team-b', { allowed_models: ['chat'] });

beforeAll(async () => {
  sim = await startSimulator({ model: 'sim-model', zeroDelay: true, apiKey: 'upstream-secret' });
  gw = await listenGateway(
    {
      auth: { api_keys: [full.entry, narrow.entry] },
      providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1`, api_key_file: '/secrets/vllm' } },
      models: {
        chat: { targets: [{ provider: 'vllm', model: 'sim-model' }] },
        'sim-model': { targets: [{ provider: 'vllm' }] },
      },
    },
    secretsFrom({ '/secrets/vllm': 'upstream-secret\n' }),
  );
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const client = (key = full.key) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });

describe('gateway API with the official openai client', () => {
  it('answers a chat completion with usage', async () => {
    const r = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello world' }], max_tokens: 4 });
    expect(r.choices[0]!.message.content).toBe('the model answers with');
    expect(r.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('streams a chat completion chunk by chunk and hides the usage chunk it asked for itself', async () => {
    const stream = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true });
    let text = '';
    let usageSeen = false;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usageSeen = true;
    }
    expect(text).toBe('the model answers');
    expect(usageSeen).toBe(false);
    expect((sim.requests.at(-1)!.body as any).stream_options).toEqual({ include_usage: true });
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    const stream = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, stream: true, stream_options: { include_usage: true } });
    let usage: unknown = null;
    for await (const c of stream) if (c.usage) usage = c.usage;
    expect(usage).toMatchObject({ completion_tokens: 2 });
  });

  it('passes tools and response_format through to the upstream unchanged', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const r = await client().chat.completions.create({ model: 'sim-model', messages: [{ role: 'user', content: 'weather?' }], tools, tool_choice: 'required' });
    expect(r.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'get_weather' } });
    const sent = sim.requests.at(-1)!.body as any;
    expect(sent.tools).toEqual(tools);
    const j = await client().chat.completions.create({ model: 'sim-model', messages: [{ role: 'user', content: 'json' }], response_format: { type: 'json_object' } });
    expect(JSON.parse(j.choices[0]!.message.content!)).toEqual({ answer: 'simulated' });
  });

  it('serves text completions and embeddings', async () => {
    const c = await client().completions.create({ model: 'chat', prompt: 'abc', max_tokens: 2 });
    expect(c.choices[0]!.text).toBe('the model');
    const e = await client().embeddings.create({ model: 'chat', input: ['a', 'b'] });
    expect(e.data).toHaveLength(2);
  });

  it('lists only the models a key may use', async () => {
    const all = (await client().models.list()).data.map((m) => m.id).sort();
    expect(all).toEqual(['chat', 'sim-model']);
    const some = (await client(narrow.key).models.list()).data.map((m) => m.id);
    expect(some).toEqual(['chat']);
    await expect(client(narrow.key).chat.completions.create({ model: 'sim-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('rejects a wrong key with 401 in OpenAI error shape', async () => {
    await expect(client('fdy_' + 'A'.repeat(43)).models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'authentication_error' });
  });

  it('rejects an invalid body with 400 naming the parameter', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', messages: [] }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'messages' });
  });

  it('sends the provider key upstream, never the client key, and propagates traceparent', async () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json', traceparent: tp }, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-foundry-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(res.headers.get('x-foundry-trace-id')).toBe('0af7651916cd43dd8448eb211c80319c');
    const seen = sim.requests.at(-1)!.headers;
    expect(seen.authorization).toBe('Bearer upstream-secret');
    expect(String(seen.traceparent)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(seen.traceparent).not.toBe(tp);
  });

  it('forwards the client body bytes unchanged when no rewrite is needed', async () => {
    const raw = '{"model":"sim-model","messages":[{"role":"user","content":"x"}],"vendor_extra":{"a":1}}';
    await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' }, body: raw });
    expect(sim.requests.at(-1)!.body).toEqual(JSON.parse(raw));
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/v1/models/{model}', '/healthz', '/readyz']));
    expect(doc.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema.required).toEqual(['model', 'messages']);
  });

  it('answers health and readiness probes', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('returns 404 in OpenAI error shape for unknown routes', async () => {
    const res = await fetch(`${gw.url}/nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});
