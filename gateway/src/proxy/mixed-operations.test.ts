import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../../e2e/fixtures/fake-anthropic';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';

/**
 * A model's targets may mix providers that serve different operations: Anthropic serves chat only,
 * a vLLM also embeds. A request goes only to targets that can serve it, whatever their order, and
 * is refused up front only when none can.
 */

let sim: Simulator;
let fake: FakeAnthropic;
let gw: Running;
const key = apiKey('k', 'p');

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  fake = await startFakeAnthropic({ apiKey: 'sk-ant-test' });
  gw = await listenGateway(
    {
      auth: { api_keys: [key.entry] },
      providers: {
        anthropic: { kind: 'anthropic', base_url: `${fake.url}/v1`, api_key_env: 'ANTHROPIC_API_KEY' },
        vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` },
      },
      models: {
        'claude-first': { strategy: 'priority', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { provider: 'vllm', model: 'm' }] },
        'vllm-first': { strategy: 'priority', targets: [{ provider: 'vllm', model: 'm' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
        'claude-only': { targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
      },
    },
    secretsFrom({}, { ANTHROPIC_API_KEY: 'sk-ant-test' }),
  );
});
afterAll(async () => {
  await gw.close();
  await sim.close();
  await fake.close();
});

const embed = (model: string) =>
  fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, input: 'hello' }) });

describe('a model whose targets serve different operations', () => {
  it('sends an embedding to the target that can embed, even when a chat-only target is listed first', async () => {
    const res = await embed('claude-first');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('never falls back to a target that cannot serve the request: the upstream failure is the answer', async () => {
    sim.setFault({ kind: 'error500', times: 1 });
    const res = await embed('vllm-first');
    expect(res.status).toBe(502);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses up front when no target can serve it', async () => {
    const res = await embed('claude-only');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('The model `claude-only` does not support /v1/embeddings.');
    expect(fake.requests).toHaveLength(0);
  });
});
