import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../e2e/fixtures/vllm-sim';
import type { GatewayConfigInput } from '../config';
import { apiKey, listenGateway, sse, type Running } from '../../test-support/harness';

const key = apiKey('k1', 'p1');
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((c) => c()));
  cleanup = [];
});

type ModelOpts = Partial<NonNullable<GatewayConfigInput['models']>[string]>;

async function stack(n: number, model: ModelOpts = {}, simOpts: SimulatorOptions = { zeroDelay: true }) {
  const sims: Simulator[] = [];
  for (let i = 0; i < n; i++) sims.push(await startSimulator({ model: 'm', ...simOpts }));
  const providers = Object.fromEntries(sims.map((s, i) => [`s${i}`, { kind: 'openai_compatible' as const, base_url: `${s.url}/v1` }]));
  const gw: Running = await listenGateway({
    auth: { api_keys: [key.entry] },
    providers,
    models: { m: { strategy: 'least_outstanding', attempt_timeout_ms: 400, total_timeout_ms: 3000, breaker: { failure_threshold: 3, cooldown_ms: 60_000 }, ...model, targets: sims.map((_, i) => ({ provider: `s${i}` })) } },
  });
  cleanup.push(async () => {
    await gw.close();
    await Promise.all(sims.map((s) => s.close()));
  });
  return { sims, gw };
}

const post = (gw: Running, body: unknown, headers: Record<string, string> = {}, path = '/v1/chat/completions') =>
  fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const msg = (extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user', content: 'hello' }], max_tokens: 5, ...extra });

describe('upstream failures', () => {
  it('falls back from a target answering 500 and opens its breaker', async () => {
    // A generous attempt timeout: this test is about 500s, and on a loaded CI machine a healthy attempt
    // can take longer than the 400 ms the timeout tests use, which would count as a failure.
    const { sims, gw } = await stack(2, { attempt_timeout_ms: 5000, total_timeout_ms: 15_000 });
    sims[0]!.setFault({ kind: 'error500' });
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(gw, msg())).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gw.gateway.runtime().models.get('m')!.targets[0]!.state.breaker.state).toBe('open');
    const before = sims[0]!.stats.received;
    for (let i = 0; i < 5; i++) await post(gw, msg());
    expect(sims[0]!.stats.received).toBe(before);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/foundry_gateway_breaker_state\{target="s0\/m"\} 2/);
  });

  it('lists every attempt\'s error in order when all targets fail', async () => {
    const { sims, gw } = await stack(2);
    sims[0]!.setFault({ kind: 'error500' });
    sims[1]!.setFault({ kind: 'error500' });
    const res = await post(gw, msg());
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.error.code).toBe('upstream_error');
    expect(body.error.message).toMatch(/All 2 upstream attempts failed: s\d: HTTP 500.*; s\d: HTTP 500/);
  });

  it('passes an upstream 429 on with its Retry-After when no target can take the request', async () => {
    const { sims, gw } = await stack(1);
    sims[0]!.setFault({ kind: 'rate_limit', retryAfterS: 9 });
    const res = await post(gw, msg());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('9');
    expect((await res.json()).error.code).toBe('upstream_rate_limited');
  });

  it('times out a hanging target and falls back within the total deadline', async () => {
    const { sims, gw } = await stack(2);
    sims[0]!.setFault({ kind: 'hang' });
    sims[1]!.setFault({ kind: 'hang', times: 0 });
    const t = performance.now();
    const results = await Promise.all([post(gw, msg()), post(gw, msg())]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('answers 504 when the only target hangs', async () => {
    const { sims, gw } = await stack(1, { max_attempts: 1 });
    sims[0]!.setFault({ kind: 'hang' });
    const res = await post(gw, msg());
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });

  it('falls back when a target refuses connections', async () => {
    const { sims, gw } = await stack(2);
    await sims[0]!.close();
    for (let i = 0; i < 4; i++) expect((await post(gw, msg())).status).toBe(200);
  });
});

describe('streams that break', () => {
  it('never retries a stream that already sent tokens: the client gets an error event instead', async () => {
    const { sims, gw } = await stack(2);
    sims[0]!.setFault({ kind: 'reset_mid_stream', afterChunks: 2 });
    sims[1]!.setFault({ kind: 'reset_mid_stream', afterChunks: 2 });
    const res = await post(gw, msg({ stream: true, max_tokens: 10 }));
    expect(res.status).toBe(200);
    const events = sse(await res.text());
    expect(events.some((e) => e.includes('"content":"the"'))).toBe(true);
    expect(JSON.parse(events.at(-1)!).error.code).toBe('upstream_error');
    expect(sims[0]!.stats.received + sims[1]!.stats.received).toBe(1);
  });

  it('makes the openai client throw on a malformed upstream event stream', async () => {
    // Chunks spaced in time, so the good first token reaches the client before the broken event.
    const { sims, gw } = await stack(1, {}, { latency: { ttftBaseMs: 1, tpotBaseMs: 20 } });
    sims[0]!.setFault({ kind: 'malformed_sse' });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect((async () => {
      for await (const _ of stream) void _;
    })()).rejects.toThrow(/malformed/);
  });

  it('ends a stream that stalls longer than the attempt timeout with an error event', async () => {
    const { sims, gw } = await stack(1, { attempt_timeout_ms: 150 });
    sims[0]!.setFault({ kind: 'slow_stream', delayMs: 400 });
    const t = performance.now();
    const events = sse(await (await post(gw, msg({ stream: true, max_tokens: 5 }))).text());
    expect(JSON.parse(events.at(-1)!).error.code).toBe('upstream_error');
    expect(performance.now() - t).toBeLessThan(1500);
  });

  it('cancels the upstream when the client disconnects mid-stream and still counts usage', async () => {
    const { sims, gw } = await stack(1, {}, { latency: { ttftBaseMs: 1, tpotBaseMs: 20 } });
    const ctrl = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', signal: ctrl.signal, headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify(msg({ stream: true, max_tokens: 200 })) });
    const reader = res.body!.getReader();
    let got = '';
    while (!got.includes('"content":" answers"')) got += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect(sims[0]!.stats.aborted).toBe(1);
    const ev = gw.gateway.services.usage.read(0, 10).events.at(-1)!;
    expect(ev).toMatchObject({ aborted: true, stream: true });
    expect(ev.completion_tokens).toBeGreaterThanOrEqual(2);
    expect(ev.prompt_tokens).toBeGreaterThan(0);
  });
});

describe('hostile requests', () => {
  it('rejects oversized, malformed and non-JSON bodies with OpenAI errors', async () => {
    const { gw } = await stack(1);
    const big = await post(gw, msg({ messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('request_too_large');
    const bad = await post(gw, '{"model": "m", "messages": [');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_json');
    const text = await post(gw, 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const arr = await post(gw, '[1,2]');
    expect(arr.status).toBe(400);
  });

  it('does not let request values or client headers reach response or upstream headers', async () => {
    const { sims, gw } = await stack(1);
    const res = await post(gw, msg({ model: 'm\r\nx-injected: 1' }));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-injected')).toBeNull();
    await post(gw, msg(), { cookie: 'session=1', 'x-forwarded-host': 'evil', 'x-api-key': 'k' });
    const seen = sims[0]!.requests.at(-1)!.headers;
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-forwarded-host']).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen.authorization).toBeUndefined();
  });
});
