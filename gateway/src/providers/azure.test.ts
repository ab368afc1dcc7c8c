import Fastify from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';

const seen: { url: string; headers: Record<string, unknown>; body: any }[] = [];
const upstream = Fastify();
let gw: Running;
const key = apiKey('k1', 'p1');

beforeAll(async () => {
  upstream.post('/*', async (req) => {
    seen.push({ url: req.url, headers: req.headers, body: req.body });
    return { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } };
  });
  const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
  gw = await listenGateway(
    {
      auth: { api_keys: [key.entry] },
      providers: {
        azure: { kind: 'azure', base_url: url, api_version: '2024-10-21', api_key_file: '/s/azure' },
        openai: { kind: 'openai', base_url: `${url}/v1`, api_key_env: 'OPENAI_API_KEY' },
      },
      models: { 'gpt-4o': { targets: [{ provider: 'azure', model: 'my-deployment' }] }, 'gpt-4o-mini': { targets: [{ provider: 'openai' }] } },
    },
    secretsFrom({ '/s/azure': 'az-key' }, { OPENAI_API_KEY: 'sk-openai' }),
  );
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('Azure OpenAI and OpenAI providers', () => {
  it('calls the Azure deployment path with api-version and the api-key header', async () => {
    const r = await new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(r.choices[0]!.message.content).toBe('hi');
    const last = seen.at(-1)!;
    expect(last.url).toBe('/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    expect(last.headers['api-key']).toBe('az-key');
    expect(last.headers.authorization).toBeUndefined();
  });

  it('calls OpenAI with its bearer key from the environment', async () => {
    await new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const last = seen.at(-1)!;
    expect(last.url).toBe('/v1/chat/completions');
    expect(last.headers.authorization).toBe('Bearer sk-openai');
  });
});
