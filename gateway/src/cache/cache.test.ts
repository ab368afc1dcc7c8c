import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateGatewayConfig } from '../config';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../test-support/scripted-upstream';
import { cacheKey, canonicalJson, ResponseCache } from './response-cache';

describe('ResponseCache (unit)', () => {
  it('keys on the canonical request: key order and delivery-only fields do not split entries, the project does', () => {
    const a = { model: 'm', temperature: 0, messages: [{ role: 'user', content: 'hi' }] };
    const b = { messages: [{ content: 'hi', role: 'user' }], stream: false, user: 'u1', temperature: 0, model: 'm' };
    expect(canonicalJson(b)).toBe('{"messages":[{"content":"hi","role":"user"}],"model":"m","stream":false,"temperature":0,"user":"u1"}');
    expect(cacheKey('p', 'chat', a)).toBe(cacheKey('p', 'chat', b));
    expect(cacheKey('p', 'chat', a)).not.toBe(cacheKey('q', 'chat', a));
    expect(cacheKey('p', 'chat', a)).not.toBe(cacheKey('p', 'completions', a));
    expect(cacheKey('p', 'chat', a)).not.toBe(cacheKey('p', 'chat', { ...a, temperature: 0.5 }));
    expect(cacheKey('p', 'chat', a)).not.toBe(cacheKey('p', 'chat', { ...a, messages: [{ role: 'user', content: 'hi!' }] }));
  });

  it('expires entries after ttl_ms', () => {
    let now = 1000;
    const c = new ResponseCache({ ttl_ms: 100, max_entries: 10 }, () => now);
    c.set('k', { body: 'x', usage: null, guardrail: '' });
    now += 99;
    expect(c.get('k')?.body).toBe('x');
    now += 1;
    expect(c.get('k')).toBeNull();
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry past max_entries', () => {
    const c = new ResponseCache({ ttl_ms: 10_000, max_entries: 2 });
    c.set('a', { body: 'A', usage: null, guardrail: '' });
    c.set('b', { body: 'B', usage: null, guardrail: '' });
    expect(c.get('a')?.body).toBe('A'); // a is now the most recent
    c.set('c', { body: 'C', usage: null, guardrail: '' });
    expect(c.get('b')).toBeNull();
    expect(c.get('a')?.body).toBe('A');
    expect(c.get('c')?.body).toBe('C');
    expect(c.size).toBe(2);
  });

  it('config: cache is optional, strict, and path-qualified', () => {
    const base = { providers: { u: { kind: 'openai_compatible', base_url: 'http://u/v1' } } };
    expect(validateGatewayConfig({ ...base, models: { m: { targets: [{ provider: 'u' }], cache: { ttl_ms: 1000, max_entries: 10 } } } }).ok).toBe(true);
    const bad = validateGatewayConfig({ ...base, models: { m: { targets: [{ provider: 'u' }], cache: { ttl_ms: 0, max_entries: 10, shared: true } } } });
    expect(bad.ok ? [] : bad.errors).toEqual(expect.arrayContaining(['models.m.cache.ttl_ms: must be > 0', 'models.m.cache.shared: unknown key']));
  });
});

describe('response cache through the gateway', () => {
  let up: ScriptedUpstream;
  let gw: Running;
  const a = apiKey('k-a', 'team-a', { tokens_per_minute: 100 });
  const a2 = apiKey('k-a2', 'team-a');
  const b = apiKey('k-b', 'team-b');

  beforeAll(async () => {
    up = await startScriptedUpstream();
    up.answer = ['cached answer'];
    gw = await listenGateway({
      auth: { api_keys: [a.entry, a2.entry, b.entry] },
      providers: { up: { kind: 'openai_compatible', base_url: `${up.url}/v1` } },
      models: { m: { targets: [{ provider: 'up' }], cache: { ttl_ms: 300, max_entries: 2 } }, plain: { targets: [{ provider: 'up', model: 'm' }] } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const ask = (key: string, content: string, extra: object = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], ...extra }) });

  it('misses, then hits with the same bytes and without calling the upstream; counts the hit', async () => {
    const calls = up.bodies.length;
    const r1 = await ask(a.key, 'q1');
    expect(r1.headers.get('x-foundry-cache')).toBe('miss');
    const t1 = await r1.text();
    const r2 = await ask(a2.key, 'q1', { user: 'someone' });
    expect(r2.headers.get('x-foundry-cache')).toBe('hit');
    expect(await r2.text()).toBe(t1);
    expect(r2.headers.get('x-foundry-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(up.bodies.length).toBe(calls + 1);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('foundry_gateway_cache_requests_total{model="m",result="hit"} 1');
    expect(metrics).toContain('foundry_gateway_cache_requests_total{model="m",result="miss"} 1');
    const ev = gw.gateway.services.usage.read(0, 1000).events.filter((e) => e.key === 'k-a2').at(-1)!;
    expect(ev).toMatchObject({ cached: true, target: null, prompt_tokens: 7, completion_tokens: 1, status: 200 });
  });

  it('never shares an entry across projects', async () => {
    await ask(a.key, 'q2');
    const other = await ask(b.key, 'q2');
    expect(other.headers.get('x-foundry-cache')).toBe('miss');
    expect((await ask(b.key, 'q2')).headers.get('x-foundry-cache')).toBe('hit');
  });

  it('expires after ttl_ms and evicts past max_entries', async () => {
    await ask(b.key, 'q3');
    await new Promise((r) => setTimeout(r, 350));
    expect((await ask(b.key, 'q3')).headers.get('x-foundry-cache')).toBe('miss');
    // Capacity 2: q3 (fresh), then q4 and q5 push q3 out.
    await ask(b.key, 'q4');
    await ask(b.key, 'q5');
    expect((await ask(b.key, 'q3')).headers.get('x-foundry-cache')).toBe('miss');
    expect((await ask(b.key, 'q5')).headers.get('x-foundry-cache')).toBe('hit');
  });

  it('does not cache streams or models without a cache', async () => {
    const s = await ask(a2.key, 'q1', { stream: true });
    expect(s.headers.get('x-foundry-cache')).toBeNull();
    expect(await s.text()).toContain('[DONE]');
    const p = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${a2.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'plain', messages: [{ role: 'user', content: 'q1' }] }) });
    expect(p.headers.get('x-foundry-cache')).toBeNull();
  });

  it('counts a hit against token limits like an upstream answer', async () => {
    // k-a allows 100 tokens/min; each answer is 8 tokens, so hits alone exhaust it.
    await ask(a.key, 'q9');
    let status = 200;
    let hits = 0;
    for (let i = 0; i < 20 && status === 200; i++) {
      const r = await ask(a.key, 'q9');
      status = r.status;
      if (status === 200) expect(r.headers.get('x-foundry-cache')).toBe('hit'), (hits += 1);
    }
    expect(status).toBe(429);
    expect(hits).toBeGreaterThan(0);
  });
});
