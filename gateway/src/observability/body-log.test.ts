import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, logSink, type Running } from '../../test-support/harness';
import { redactForLog } from './body-log';

// Unique markers: if one appears anywhere in an opted-out project's log output, a body leaked.
const MARK = 'zebra-marker-7731';
const SECRET_KEY = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';
const inKey = apiKey('k-in', 'opted-in');
const outKey = apiKey('k-out', 'opted-out');
const sink = logSink();
let sim: Simulator;
let gw: Running;

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  gw = await listenGateway(
    {
      server: { access_log_body_max_chars: 2_000 },
      auth: { api_keys: [inKey.entry, outKey.entry] },
      projects: { 'opted-in': { log_bodies: true, guardrail: 'no-zeus' }, 'opted-out': { guardrail: 'no-zeus' } },
      guardrails: { 'no-zeus': { pii: [], deny: ['project zeus'] } },
      providers: { sim: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
      models: { chat: { targets: [{ provider: 'sim', model: 'm' }], max_attempts: 1 } },
    },
    undefined,
    { accessLog: sink.stream },
  );
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const call = (key: string, body: object) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', max_tokens: 3, ...body }) });
const prompt = (extra = '') => ({
  messages: [
    { role: 'user', content: `${MARK} my key is ${SECRET_KEY}${extra}` },
    { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'login', arguments: JSON.stringify({ user: 'ann', password: 'hunter2-hunter2' }) } }] },
    { role: 'tool', tool_call_id: 't1', content: JSON.stringify({ session_token: 'tok-999-abc', ok: true }) },
  ],
});
const lastLine = () => sink.lines.at(-1)!;

describe('opt-in body logging', () => {
  it('logs request and response bodies for an opted-in project, with secrets redacted', async () => {
    const res = await call(inKey.key, prompt());
    expect(res.status).toBe(200);
    const line = lastLine();
    expect(line.project).toBe('opted-in');
    expect(line.request_body).toContain(MARK);
    expect(line.request_body).toContain('[API_KEY]');
    expect(line.request_body).toContain('\\"password\\":\\"[REDACTED]\\"');
    expect(line.request_body).toContain('\\"session_token\\":\\"[REDACTED]\\"');
    expect(line.request_body).toContain('\\"user\\":\\"ann\\"');
    expect(line.response_body).toContain('"content":"the model answers"');
    for (const secret of [SECRET_KEY, 'hunter2-hunter2', 'tok-999-abc']) expect(sink.raw()).not.toContain(secret);
  });

  it('logs what a stream sent, and caps long bodies with a truncation note', async () => {
    const res = await call(inKey.key, { ...prompt(), stream: true });
    await res.text();
    expect(lastLine().response_body).toContain('data: ');
    expect(lastLine().response_body).toContain('[DONE]');
    await call(inKey.key, prompt(' filler'.repeat(1_000)));
    expect(lastLine().request_body).toMatch(/…\[truncated \d+ chars\]$/);
    expect(lastLine().request_body.length).toBeLessThan(2_100);
  });

  it('logs the error a client got when the upstream failed (opted in)', async () => {
    sim.setFault({ kind: 'error500', times: 1 });
    const res = await call(inKey.key, prompt());
    expect(res.status).toBe(502);
    expect(lastLine()).toMatchObject({ status: 502, error: 'upstream_error' });
    expect(lastLine().response_body).toContain('upstream_error');
  });

  it('never logs a body for an opted-out project: success, stream, upstream error, refusals', async () => {
    const from = sink.raw().length;
    const n = sink.lines.length;
    expect((await call(outKey.key, prompt())).status).toBe(200);
    await (await call(outKey.key, { ...prompt(), stream: true })).text();
    sim.setFault({ kind: 'error500', times: 1 });
    expect((await call(outKey.key, prompt())).status).toBe(502);
    expect((await call(outKey.key, { ...prompt(), model: 'no-such-model' })).status).toBe(404);
    expect((await call(outKey.key, prompt(' about project zeus'))).status).toBe(400);
    const mine = sink.lines.slice(n);
    expect(mine.map((l) => [l.status, l.error ?? null])).toEqual([[200, null], [200, null], [502, 'upstream_error'], [404, 'model_not_found'], [400, 'guardrail_blocked']]);
    for (const l of mine) {
      expect(l.project).toBe('opted-out');
      expect(l).not.toHaveProperty('request_body');
      expect(l).not.toHaveProperty('response_body');
    }
    expect(sink.raw().slice(from)).not.toContain(MARK);
    expect(sink.raw().slice(from)).not.toContain('the model answers');
  });

  it('never logs a guardrail-blocked prompt, even for an opted-in project', async () => {
    expect((await call(inKey.key, prompt(' about project zeus'))).status).toBe(400);
    expect(lastLine()).toMatchObject({ status: 400, error: 'guardrail_blocked', project: 'opted-in' });
    expect(lastLine()).not.toHaveProperty('request_body');
  });

  it('follows a reload that turns the opt-in off', async () => {
    const config = gw.gateway.runtime().config;
    expect(await gw.gateway.reload({ ...config, projects: { ...config.projects, 'opted-in': { ...config.projects['opted-in']!, log_bodies: false } } })).toEqual({ ok: true });
    await call(inKey.key, prompt());
    expect(lastLine().project).toBe('opted-in');
    expect(lastLine()).not.toHaveProperty('request_body');
    expect(await gw.gateway.reload(config)).toEqual({ ok: true });
  });
});

describe('redactForLog', () => {
  it('redacts secret-named fields, bearer tokens and API-key-like strings, and leaves the rest', () => {
    const text = JSON.stringify({ api_key: 'abc', nested: { clientSecret: 'x"y', max_tokens: 5 }, note: 'Authorization: Bearer abcdefghijkl.mnop', k: 'fdy_0123456789abcdefghijABCDEFGHIJ0123456789' });
    const out = redactForLog(text, 10_000);
    expect(JSON.parse(out)).toEqual({ api_key: '[REDACTED]', nested: { clientSecret: '[REDACTED]', max_tokens: 5 }, note: 'Authorization: Bearer [REDACTED]', k: '[API_KEY]' });
  });
});
