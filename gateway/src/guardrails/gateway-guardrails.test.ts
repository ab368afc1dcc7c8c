import { connect } from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../test-support/scripted-upstream';

let up: ScriptedUpstream;
let gw: Running;
const guarded = apiKey('k-g', 'team-g');
const blocker = apiKey('k-b', 'team-b');
const free = apiKey('k-f', 'team-f');

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await listenGateway({
    auth: { api_keys: [guarded.entry, blocker.entry, free.entry] },
    projects: { 'team-g': { guardrail: 'strict' }, 'team-b': { guardrail: 'blocker' }, 'team-f': {} },
    guardrails: {
      strict: { deny: ['Project Zeus'], rules: [{ name: 'secret-word', pattern: 'swordfish', action: 'block', direction: 'output' }], max_prompt_chars: 2000 },
      blocker: { action: 'block', pii: ['card'], directions: ['input'] },
    },
    providers: { up: { kind: 'openai_compatible', base_url: `${up.url}/v1` } },
    models: { m: { targets: [{ provider: 'up' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  await up.close();
});

const post = (key: string, body: object) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });

describe('guardrails through the gateway', () => {
  it('redacts PII in the prompt before it reaches the upstream and says so in a header', async () => {
    up.answer = ['fine'];
    const res = await post(guarded.key, { model: 'm', messages: [{ role: 'user', content: 'I am jane@corp.com, card 4111 1111 1111 1111' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-foundry-guardrail')).toBe('redact:input:pii.email, redact:input:pii.card');
    expect(up.bodies.at(-1)!.messages[0].content).toBe('I am [EMAIL], card [CARD]');
  });

  it('blocks a deny-listed prompt with a 400 naming the rule, without echoing the prompt or calling upstream', async () => {
    const before = up.bodies.length;
    const res = await post(guarded.key, { model: 'm', messages: [{ role: 'user', content: 'status of project zeus?' }] });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-foundry-guardrail')).toBe('block:input:deny');
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'guardrail_blocked', type: 'invalid_request_error' });
    expect(body.error.message).toContain('rule deny');
    expect(body.error.message).toContain('"strict"');
    expect(JSON.stringify(body).toLowerCase()).not.toContain('zeus');
    expect(up.bodies.length).toBe(before);
    await expect(client(blocker.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'card 5555555555554444' }] })).rejects.toMatchObject({ status: 400, code: 'guardrail_blocked' });
  });

  it('blocks a prompt over max_prompt_chars', async () => {
    const res = await post(guarded.key, { model: 'm', messages: [{ role: 'user', content: 'a '.repeat(1001) }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('max_prompt_chars');
  });

  it('redacts a non-streaming answer and blocks one that hits an output rule', async () => {
    up.answer = ['Call me on +44 20 7946 0958.'];
    const r = await client(guarded.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0]!.message.content).toBe('Call me on [PHONE].');
    up.answer = ['the password is swordfish'];
    const res = await post(guarded.key, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-foundry-guardrail')).toBe('block:output:rule.secret-word');
    expect(await res.text()).not.toContain('swordfish');
  });

  it('redacts a streamed answer across chunk boundaries (official client)', async () => {
    up.answer = ['Contact: jo', 'hn@exam', 'ple.com and 4111 11', '11 1111 1111 or sk-abcdefgh', 'ijklmnopqrstuvwxyz012', '3456 done'];
    const stream = await client(guarded.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('Contact: [EMAIL] and [CARD] or [API_KEY] done');
    expect(finish).toBe('stop');
  });

  it('ends a stream with an error event instead of text an output block rule matches', async () => {
    up.answer = ['here it is: sword', 'fish, enjoy'];
    const res = await post(guarded.key, { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const text = await res.text();
    expect(text).not.toContain('sword');
    expect(text).toContain('"code":"guardrail_blocked"');
    expect(text).not.toContain('[DONE]');
    // The report comes right before the error event, as it comes before [DONE] on a stream that ends well.
    expect(text).toMatch(/\n\n: x-foundry-guardrail block:output:rule\.secret-word\n\ndata: \{"error"/);
  });

  it('leaves projects without a profile untouched (client bytes forwarded, no header)', async () => {
    up.answer = ['mail x@y.org'];
    const res = await post(free.key, { model: 'm', messages: [{ role: 'user', content: 'from jane@corp.com' }] });
    expect(res.headers.get('x-foundry-guardrail')).toBeNull();
    expect(up.bodies.at(-1)!.messages[0].content).toBe('from jane@corp.com');
    expect((await res.json()).choices[0].message.content).toBe('mail x@y.org');
  });

  it('counts every block and redaction in Prometheus', async () => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toContain('foundry_gateway_guardrail_actions_total{project="team-g",profile="strict",rule="pii.email",action="redact",direction="input"} 1');
    expect(text).toContain('foundry_gateway_guardrail_actions_total{project="team-g",profile="strict",rule="deny",action="block",direction="input"} 1');
    expect(text).toContain('foundry_gateway_guardrail_actions_total{project="team-b",profile="blocker",rule="pii.card",action="block",direction="input"} 1');
    expect(text).toContain('foundry_gateway_guardrail_actions_total{project="team-g",profile="strict",rule="pii.phone",action="redact",direction="output"} 1');
    expect(text).toContain('foundry_gateway_guardrail_actions_total{project="team-g",profile="strict",rule="rule.secret-word",action="block",direction="output"} 2');
    expect(text).toMatch(/foundry_gateway_guardrail_actions_total\{project="team-g",profile="strict",rule="pii.api_key",action="redact",direction="output"\} 1/);
  });

  // After the metrics test: these add redactions of their own.
  it("reports a stream's output redactions at its end: an SSE comment before [DONE] and a declared trailer", async () => {
    up.answer = ['write to jo', 'e@corp.com'];
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${guarded.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'mail jane@corp.com' }], stream: true }),
    });
    // The headers left before the answer was scanned: they can only name what happened to the prompt.
    expect(res.headers['x-foundry-guardrail']).toBe('redact:input:pii.email');
    expect(res.headers.trailer).toBe('x-foundry-guardrail');
    const text = await res.body.text();
    expect(text).not.toContain('joe@corp.com');
    expect(text.endsWith(': x-foundry-guardrail redact:input:pii.email, redact:output:pii.email\n\ndata: [DONE]\n\n')).toBe(true);
    expect(res.trailers['x-foundry-guardrail']).toBe('redact:input:pii.email, redact:output:pii.email');
  });

  it('says nothing extra on a clean stream, and declares no trailer where the profile has no output rules', async () => {
    up.answer = ['all clear'];
    const clean = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${guarded.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const text = await clean.body.text();
    expect(text).not.toContain(': x-foundry-guardrail');
    expect(clean.trailers['x-foundry-guardrail']).toBeUndefined();
    // The blocker profile scans input only: its streams have nothing to report at the end.
    const inputOnly = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${blocker.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(inputOnly.headers.trailer).toBeUndefined();
    await inputOnly.body.text();
  });

  it('streams to an HTTP/1.0 client (no chunking, so no trailer) with the report in the comment', async () => {
    up.answer = ['mail me at x@y.org'];
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const port = Number(new URL(gw.url).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.write(`POST /v1/chat/completions HTTP/1.0\r\nhost: x\r\nauthorization: Bearer ${guarded.key}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      let out = '';
      sock.on('data', (d) => (out += d));
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
    expect(raw.toLowerCase()).not.toContain('trailer:');
    expect(raw).toContain('mail me at [EMAIL]');
    expect(raw).toContain(': x-foundry-guardrail redact:output:pii.email\n\ndata: [DONE]');
  });
});
