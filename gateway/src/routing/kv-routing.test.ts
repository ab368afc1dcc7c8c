import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';

let busy: Simulator;
let idle: Simulator;
let gw: Running;
const key = apiKey('k1', 'p1');
const ADMIN = 'admin-token-for-tests';

beforeAll(async () => {
  const latency = { ttftBaseMs: 1, tpotBaseMs: 2, maxNumSeqs: 2, kvCapacityTokens: 4096 };
  busy = await startSimulator({ model: 'm', latency });
  idle = await startSimulator({ model: 'm', latency });
  gw = await listenGateway(
    {
      server: { admin_token_env: 'ADMIN' },
      auth: { api_keys: [key.entry] },
      providers: { busy: { kind: 'openai_compatible', base_url: `${busy.url}/v1` }, idle: { kind: 'openai_compatible', base_url: `${idle.url}/v1` } },
      models: { m: { strategy: 'kv_cache', kv_scrape_interval_ms: 40, targets: [{ provider: 'busy' }, { provider: 'idle' }] } },
    },
    { env: { ADMIN }, readFile: () => '' },
  );
});
afterAll(async () => {
  await gw.close();
  await busy.close();
  await idle.close();
});

const chat = () => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 }) });

describe('KV-cache-aware routing against scraped vLLM metrics', () => {
  it('steers traffic away from a replica whose KV cache is full and queue is long', async () => {
    // Load the busy replica directly (not through the gateway), as other clients would.
    const direct: Promise<unknown>[] = Array.from({ length: 6 }, () => fetch(`${busy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'y'.repeat(4000) }], max_tokens: 100 }) }).then((r) => r.text()));
    const state = async () => (await (await fetch(`${gw.url}/admin/state`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()).models[0].targets;
    const end = Date.now() + 3000;
    while (Date.now() < end && !((await state())[0].kv?.waiting > 0)) await new Promise((r) => setTimeout(r, 20));
    const before = idle.stats.received;
    for (let i = 0; i < 10; i++) expect((await chat()).status).toBe(200);
    expect(idle.stats.received - before).toBe(10);
    const t = await state();
    expect(t[0].kv.cache_usage).toBeGreaterThan(t[1].kv.cache_usage);
    await Promise.allSettled(direct);
  });

  it('serves the usage feed by cursor to the admin token only', async () => {
    const page = await (await fetch(`${gw.url}/admin/usage?cursor=0&limit=3`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    expect(page.events).toHaveLength(3);
    expect(page.events[0]).toMatchObject({ seq: 1, project: 'p1', key: 'k1', model: 'm', status: 200 });
    const next = await (await fetch(`${gw.url}/admin/usage?cursor=${page.next_cursor}&limit=100`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    expect(next.events[0].seq).toBe(4);
    expect(next.events).toHaveLength(7);
    expect((await fetch(`${gw.url}/admin/usage`)).status).toBe(403);
  });
});
