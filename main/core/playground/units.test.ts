import { describe, expect, it } from 'vitest';
import { chatBody, curlCommand, normaliseBaseUrl } from './endpoint';
import { createSseReader } from './sse';
import { createStatsRecorder } from './stats';
import { fromHttpStatus, retryAfterSeconds } from './upstream-errors';
import { createEventBus } from '../events';

describe('playground endpoint', () => {
  it('keeps an http(s) origin with its path prefix and drops a trailing /v1', () => {
    expect(normaliseBaseUrl(' http://127.0.0.1:8080/ ')).toBe('http://127.0.0.1:8080');
    expect(normaliseBaseUrl('https://gw.example/proxy/v1/')).toBe('https://gw.example/proxy');
  });

  it('quotes the curl body for a POSIX shell and leaves the key to the environment', () => {
    const curl = curlCommand({ kind: 'url', baseUrl: 'http://h:1' }, chatBody({ model: 'm', messages: [{ role: 'user', content: "it's" }] }));
    expect(curl).toContain(`'\\''`);
    expect(curl).toContain('$FOUNDRY_API_KEY');
    expect(curl).toContain('"include_usage":true');
  });
});

describe('playground SSE reader', () => {
  it('joins events split across reads and reads usage, finish reason and [DONE]', () => {
    const r = createSseReader();
    const a = r.push('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\ndata: {"choices":[{"delta":{"con');
    expect(a).toMatchObject({ content: 'Hel', contentChunks: 1, done: false });
    const b = r.push('tent":"lo"},"finish_reason":"stop"}]}\n\ndata: not json\n\ndata: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\ndata: [DONE]\n\n');
    expect(b).toMatchObject({ content: 'lo', contentChunks: 1, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2 }, done: true, guardrail: null });
  });

  it("reads the gateway's closing guardrail comment and skips other comments", () => {
    const r = createSseReader();
    const p = r.push(': keep-alive\n\n: x-foundry-guardrail redact:input:pii.email, redact:output:pii.card\n\ndata: [DONE]\n\n');
    expect(p).toMatchObject({ content: '', contentChunks: 0, done: true, guardrail: 'redact:input:pii.email, redact:output:pii.card' });
  });
});

describe('playground stats', () => {
  it('measures TTFT from send and tokens/s over the decode phase only', () => {
    let t = 0;
    const s = createStatsRecorder(() => t);
    s.headers({ 'x-foundry-overhead-ms': '0.42', 'x-foundry-trace-id': 'abc' });
    t = 100;
    s.content(1);
    t = 1100;
    s.content(10);
    s.usage({ promptTokens: 5, completionTokens: 11 });
    t = 1200;
    expect(s.result()).toMatchObject({ ttftMs: 100, outputTokens: 11, tokensFrom: 'usage', tokensPerSecond: 10, totalMs: 1200, overheadMs: 0.42, traceId: 'abc', guardrail: null });
  });

  it("takes the guardrail header, then the stream's complete closing report in its place", () => {
    const s = createStatsRecorder(() => 0);
    s.headers({ 'x-foundry-guardrail': 'redact:input:pii.email' });
    expect(s.result().guardrail).toBe('redact:input:pii.email');
    s.guardrail('redact:input:pii.email, redact:output:pii.phone');
    expect(s.result().guardrail).toBe('redact:input:pii.email, redact:output:pii.phone');
  });
});

describe('upstream errors', () => {
  it('reads Retry-After as seconds or a date, and scrubs the key from upstream text', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThanOrEqual(1);
    const e = fromHttpStatus({ status: 401, body: '{"error":{"message":"bad key fdy_secret123"}}', retryAfter: undefined }, 'fdy_secret123');
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).not.toContain('fdy_secret123');
  });
});

describe('core event bus', () => {
  it('delivers by permission, and session-scoped events only to that session', () => {
    const bus = createEventBus();
    const got: string[] = [];
    bus.subscribe({ session: 'a', role: 'viewer' }, () => got.push('a'));
    bus.subscribe({ session: 'b', role: 'tester' }, () => got.push('b'));
    bus.publish({ kind: 'playground', requestId: 'r', delta: 'x' }, { permission: 'playground:use', session: 'a' });
    bus.publish({ kind: 'playground', requestId: 'r', delta: 'x' }, { permission: 'playground:use', session: 'b' });
    expect(got).toEqual(['b']);
  });
});
