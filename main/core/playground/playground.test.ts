import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../../gateway/test-support/harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../../gateway/test-support/scripted-upstream';
import { useAdminCore } from '../testing/harness';
import type { CoreEvent } from '../transport';
import type { PlaygroundEvent } from './types';

/**
 * The Playground against a real gateway (its own app factory, with the hash of a key minted here)
 * in front of the vLLM simulator, all on 127.0.0.1, driven through the channel table as a window
 * would, with events collected from the core's bus the way the transports receive them.
 */

let sim: Simulator;
let scripted: ScriptedUpstream;
let gw: Running;
const app = useAdminCore({ per: 'file' });
const events: CoreEvent[] = [];
const good = apiKey('k-play', 'team-a');
const limited = apiKey('k-limited', 'team-a', { requests_per_minute: 1 });
const guarded = apiKey('k-guarded', 'team-g');

beforeAll(async () => {
  sim = await startSimulator({ model: 'sim-model', latency: { ttftBaseMs: 30, tpotBaseMs: 4 } });
  scripted = await startScriptedUpstream();
  gw = await listenGateway({
    auth: { api_keys: [good.entry, limited.entry, guarded.entry] },
    projects: { 'team-g': { guardrail: 'pii' } },
    guardrails: { pii: {} },
    providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` }, scripted: { kind: 'openai_compatible', base_url: `${scripted.url}/v1` } },
    models: { 'llama-sim': { targets: [{ provider: 'vllm', model: 'sim-model' }] }, 'scripted': { targets: [{ provider: 'scripted' }], projects: ['team-g'] } },
  });
  app.services.events.subscribe({ session: app.token, role: 'admin' }, (e) => events.push(e));
});
afterAll(async () => {
  await gw?.close();
  await sim?.close();
  await scripted?.close();
});

const endpoint = () => ({ baseUrl: gw.url, apiKey: good.key });
const ask = (content: string, extra: { maxTokens?: number; model?: string; apiKey?: string } = {}) =>
  app.core.call(
    'playground:chat',
    { ...endpoint(), model: extra.model ?? 'llama-sim', messages: [{ role: 'user', content }], maxTokens: extra.maxTokens ?? 12, ...(extra.apiKey ? { apiKey: extra.apiKey } : {}) },
    app.token,
  );

const of = (requestId: string) => events.filter((e): e is PlaygroundEvent => e.kind === 'playground' && e.requestId === requestId);
async function finished(requestId: string): Promise<PlaygroundEvent> {
  await expect.poll(() => of(requestId).some((e) => e.done), { timeout: 15_000 }).toBe(true);
  return of(requestId).find((e) => e.done)!;
}

describe('Playground through a real gateway', () => {
  it('lists the models the key may use', async () => {
    expect(await app.core.call('playground:models', endpoint(), app.token)).toEqual([{ id: 'llama-sim', ownedBy: 'foundry' }]);
  });

  it('accepts the OpenAI-style base URL with /v1 as well', async () => {
    expect(await app.core.call('playground:models', { ...endpoint(), baseUrl: `${gw.url}/v1/` }, app.token)).toHaveLength(1);
  });

  it('streams an answer with plausible TTFT, tokens/s, overhead, trace id and a masked curl', async () => {
    const started = await ask('hello there', { maxTokens: 12 });
    expect(started.requestId).toMatch(/^chat/);
    expect(started.curl).toContain('Authorization: Bearer $FOUNDRY_API_KEY');
    expect(started.curl).toContain(`${gw.url}/v1/chat/completions`);
    expect(started.curl).not.toContain(good.key);
    const done = await finished(started.requestId);
    const text = of(started.requestId).map((e) => e.delta ?? '').join('');
    expect(of(started.requestId).filter((e) => e.delta).length).toBeGreaterThan(1);
    expect(text.split(' ').length).toBeGreaterThan(3);
    expect(done.error).toBeUndefined();
    const s = done.stats!;
    expect(s.tokensFrom).toBe('usage');
    expect(s.outputTokens).toBe(12);
    expect(s.promptTokens).toBeGreaterThan(0);
    expect(s.ttftMs).toBeGreaterThanOrEqual(25);
    expect(s.ttftMs!).toBeLessThan(s.totalMs);
    expect(s.tokensPerSecond).toBeGreaterThan(10);
    expect(s.tokensPerSecond).toBeLessThan(1000);
    expect(s.overheadMs).toBeGreaterThanOrEqual(0);
    expect(s.traceId).toMatch(/\w+/);
    expect(s.finishReason).toBe('length');
  });

  it("shows what the project's guardrails did, the answer's own redactions included", async () => {
    scripted.answer = ['call me on +44 20 ', '7946 0958'];
    const { requestId } = await ask('I am jane@corp.com', { model: 'scripted', apiKey: guarded.key });
    const done = await finished(requestId);
    expect(done.error).toBeUndefined();
    expect(of(requestId).map((e) => e.delta ?? '').join('')).toBe('call me on [PHONE]');
    expect(scripted.bodies.at(-1)!.messages.at(-1).content).toBe('I am [EMAIL]');
    // The header named the prompt's redaction only; the stream's closing report adds the answer's.
    expect(done.stats!.guardrail).toBe('redact:input:pii.email, redact:output:pii.phone');
    const clean = await finished((await ask('hello')).requestId);
    expect(clean.stats!.guardrail).toBeNull();
  });

  it('stops an answer on cancel, and only its own session may stop it', async () => {
    sim.setFault({ kind: 'slow_stream', delayMs: 100, times: 1 });
    const { requestId } = await ask('tell me a long story', { maxTokens: 200 });
    await expect.poll(() => of(requestId).some((e) => e.delta), { timeout: 10_000 }).toBe(true);
    await expect(app.core.call('playground:cancel', { requestId }, (await app.core.call('auth:signIn', { username: 'ada', password: 'correct horse battery' })).token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await app.core.call('playground:cancel', { requestId }, app.token)).toEqual({ cancelled: true });
    const done = await finished(requestId);
    expect(done.cancelled).toBe(true);
    expect(done.error).toBeUndefined();
    expect(done.stats!.outputTokens).toBeLessThan(200);
    await expect.poll(() => sim.stats.aborted, { timeout: 5000 }).toBeGreaterThan(0);
    expect(app.services.playground.activeCount()).toBe(0);
  });

  it('says the key was refused, without signing the user out', async () => {
    await expect(app.core.call('playground:models', { ...endpoint(), apiKey: 'fdy_wrong' }, app.token)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('refused the API key') });
    const { requestId } = await ask('hi', { apiKey: 'fdy_wrong' });
    const done = await finished(requestId);
    expect(done.error).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('fdy_') });
    expect(done.error!.message).not.toContain('fdy_wrong');
  });

  it('names a model the gateway does not serve', async () => {
    const done = await finished((await ask('hi', { model: 'nope' })).requestId);
    expect(done.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"nope"'), hint: expect.stringContaining('Connect') });
  });

  it('reports a rate limit with when to retry', async () => {
    await finished((await ask('one', { apiKey: limited.key })).requestId);
    const done = await finished((await ask('two', { apiKey: limited.key })).requestId);
    expect(done.error).toMatchObject({ code: 'RATE_LIMITED', hint: expect.stringMatching(/again in \d+ s/) });
  });

  it('refuses a URL that is not http(s), and says when nothing listens', async () => {
    for (const baseUrl of ['ftp://127.0.0.1:8080', 'file:///etc/passwd', 'not a url', 'http://user:pw@127.0.0.1:1']) {
      await expect(app.core.call('playground:models', { baseUrl, apiKey: good.key }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(app.core.call('playground:chat', { baseUrl, apiKey: good.key, model: 'm', messages: [{ role: 'user', content: 'x' }] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    await expect(app.core.call('playground:models', { baseUrl: 'http://127.0.0.1:1', apiKey: good.key }, app.token)).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringContaining('connection refused'),
      hint: expect.stringContaining('port-forward'),
    });
  });

  it('sends answers only to the session that asked', async () => {
    const other: CoreEvent[] = [];
    const grant = await app.core.call('auth:signIn', { username: 'ada', password: 'correct horse battery' });
    const off = app.services.events.subscribe({ session: grant.token, role: 'admin' }, (e) => other.push(e));
    await finished((await ask('private')).requestId);
    off();
    expect(other.filter((e) => e.kind === 'playground')).toEqual([]);
  });

  it('keeps the API key out of the database file, the audit chain and every event', async () => {
    const files = readdirSync(app.core.home).filter((f) => f.startsWith('foundry.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(join(app.core.home, f));
      expect(bytes.includes(Buffer.from(good.key)), f).toBe(false);
      expect(bytes.includes(Buffer.from(limited.key)), f).toBe(false);
    }
    const audit = JSON.stringify(app.services.audit.list({ limit: 500 }));
    expect(audit).not.toContain(good.key);
    expect(audit).not.toContain('playground:');
    expect(audit).not.toContain('hello there');
    expect(JSON.stringify(events)).not.toContain(good.key);
  });
});
