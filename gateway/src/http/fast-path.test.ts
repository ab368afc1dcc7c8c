/**
 * The inference fast path against fastify's path: the same requests — good ones and every kind of
 * refusal — sent to a gateway with the fast path and to one without must get the same answers,
 * headers and metrics. Plus what only a raw listener has to get right: pipelined and keep-alive
 * requests, bodies over the limit arriving in chunks, clients leaving mid-body, and drain.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import type { GatewayConfigInput } from '../config';
import { apiKey, listenGateway, sse, type Running } from '../../test-support/harness';

const key = apiKey('k1', 'p1');
const limited = apiKey('k-limited', 'p2', { requests_per_minute: 2 });
const LIMIT = 4096;

// Requests that reached one of fastify's route handlers, per gateway port: the fast gateway's
// count shows which requests it left to fastify.
const viaFastify = new Map<number, number>();
tracingChannel('fastify.request.handler').subscribe({
  start(ctx: unknown) {
    const port = (ctx as { request: { raw: { socket: { localPort: number } } } }).request.raw.socket.localPort;
    viaFastify.set(port, (viaFastify.get(port) ?? 0) + 1);
  },
  end() {},
  asyncStart() {},
  asyncEnd() {},
  error() {},
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface Send {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Written one by one without a Content-Length: chunked transfer encoding. */
  chunks?: string[];
}

function send(base: string, s: Send): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', ...s.headers };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  return new Promise((resolve, reject) => {
    const req = request(`${base}${s.path ?? '/v1/chat/completions'}`, { method: s.method ?? 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    // The gateway may answer (413) and close before a large body is fully written.
    req.on('error', reject);
    if (s.chunks) for (const c of s.chunks) req.write(c);
    else if (s.body !== undefined) req.write(s.body);
    req.end();
  });
}

const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }], max_tokens: 3, ...extra });
const COMPARED_HEADERS = ['content-type', 'www-authenticate', 'retry-after', 'connection', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-foundry-cache'];

/** What must be equal on both paths: the status, the body minus ids and clocks, and the headers that carry meaning. */
function comparable(a: Answer) {
  let body: unknown = a.text;
  const scrub = (j: any) => (j && typeof j === 'object' ? { ...j, id: undefined, created: undefined, created_at: undefined, output: j.output?.map((o: any) => ({ ...o, id: undefined })) } : j);
  if (String(a.headers['content-type']).startsWith('text/event-stream')) body = sse(a.text).map((d) => (d === '[DONE]' ? d : scrub(JSON.parse(d))));
  else if (a.text) body = scrub(JSON.parse(a.text));
  return {
    status: a.status,
    body,
    headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, a.headers[h]])),
    traced: typeof a.headers['x-foundry-trace-id'] === 'string' && typeof a.headers['x-foundry-overhead-ms'] === 'string',
  };
}

interface Case extends Send {
  name: string;
  status: number;
  code?: string;
  /** fastify serves it on the fast gateway too (and its route handler runs). */
  handedOver?: boolean;
}

const cases: Case[] = [
  { name: 'chat', body: chat(), status: 200 },
  { name: 'chat, charset parameter', headers: { 'content-type': 'application/json; charset=utf-8' }, body: chat(), status: 200 },
  { name: 'completions', path: '/v1/completions', body: JSON.stringify({ model: 'm', prompt: 'abc', max_tokens: 2 }), status: 200 },
  { name: 'embeddings', path: '/v1/embeddings', body: JSON.stringify({ model: 'm', input: ['a', 'b'] }), status: 200 },
  { name: 'responses', path: '/v1/responses', body: JSON.stringify({ model: 'm', input: 'hi', max_output_tokens: 3 }), status: 200 },
  { name: 'stream', body: chat({ stream: true }), status: 200 },
  { name: 'responses stream', path: '/v1/responses', body: JSON.stringify({ model: 'm', input: 'hi', max_output_tokens: 3, stream: true }), status: 200 },
  { name: 'no key', headers: { authorization: '', 'x-forwarded-for': '198.51.100.1' }, body: chat(), status: 401, code: 'invalid_api_key' },
  { name: 'wrong key', headers: { authorization: `Bearer fdy_${'A'.repeat(43)}`, 'x-forwarded-for': '198.51.100.2' }, body: chat(), status: 401, code: 'invalid_api_key' },
  { name: 'not a bearer', headers: { authorization: 'Basic abc', 'x-forwarded-for': '198.51.100.3' }, body: chat(), status: 401, code: 'invalid_api_key' },
  { name: 'invalid JSON', body: '{"model": "m",', status: 400, code: 'invalid_json' },
  { name: 'empty body', body: '', status: 400, code: 'invalid_json' },
  { name: 'array body', body: '[1,2]', status: 400, code: 'invalid_request' },
  { name: 'empty messages', body: chat({ messages: [] }), status: 400, code: 'invalid_request' },
  { name: 'bad role', body: chat({ messages: [{ role: 'robot', content: 'x' }] }), status: 400, code: 'invalid_request' },
  { name: 'no model', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }), status: 400, code: 'invalid_request' },
  { name: 'wrong type', body: chat({ max_tokens: '3' }), status: 400, code: 'invalid_request' },
  { name: 'declared length over the limit', body: chat({ pad: 'x'.repeat(LIMIT) }), status: 413, code: 'request_too_large' },
  { name: 'chunked body over the limit', chunks: Array.from({ length: 6 }, () => 'x'.repeat(1000)), status: 413, code: 'request_too_large' },
  { name: 'chunked body within the limit', chunks: [chat().slice(0, 10), chat().slice(10)], status: 200 },
  { name: 'unknown model', body: chat({ model: 'nope' }), status: 404, code: 'model_not_found' },
  { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: chat(), status: 415, code: 'unsupported_media_type' },
  { name: 'no content type', headers: { 'content-type': '' }, body: chat(), status: 415, code: 'unsupported_media_type' },
  { name: 'query string', path: '/v1/chat/completions?trace=1', body: chat(), status: 200, handedOver: true },
  { name: 'content type in capitals', headers: { 'content-type': 'Application/JSON' }, body: chat(), status: 200, handedOver: true },
  { name: 'GET', method: 'GET', status: 404, code: 'not_found' },
  { name: 'rate limited 1', headers: { authorization: `Bearer ${limited.key}` }, body: chat(), status: 200 },
  { name: 'rate limited 2', headers: { authorization: `Bearer ${limited.key}` }, body: chat(), status: 200 },
  { name: 'rate limited 3', headers: { authorization: `Bearer ${limited.key}` }, body: chat(), status: 429, code: 'rate_limit_exceeded' },
  ...[1, 2, 3].map((i) => ({ name: `guessing ${i}`, headers: { authorization: `Bearer fdy_${'B'.repeat(43)}`, 'x-forwarded-for': '203.0.113.7' }, body: chat(), status: 401, code: 'invalid_api_key' })),
  { name: 'guessing, blocked', headers: { authorization: `Bearer fdy_${'B'.repeat(43)}`, 'x-forwarded-for': '203.0.113.7' }, body: chat(), status: 429, code: 'auth_rate_limited' },
  { name: 'right key from the blocked address', headers: { 'x-forwarded-for': ' 203.0.113.7 ' }, body: chat(), status: 429, code: 'auth_rate_limited' },
  { name: 'right key, blocked address only as a later hop', headers: { 'x-forwarded-for': '203.0.113.8, 203.0.113.7' }, body: chat(), status: 200 },
];

let sim: Simulator;
let fast: Running;
let plain: Running;
const config = (): GatewayConfigInput => ({
  server: { body_limit_bytes: LIMIT, trust_proxy: true },
  auth: { failed_attempts_per_minute: 3, api_keys: [key.entry, limited.entry] },
  providers: { sim: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
  models: { m: { targets: [{ provider: 'sim' }] } },
});
const portOf = (gw: Running) => Number(new URL(gw.url).port);

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  fast = await listenGateway(config());
  plain = await listenGateway(config(), undefined, { fastPath: false });
});
afterAll(async () => {
  await fast?.close();
  await plain?.close();
  await sim?.close();
});

/** One request without a body's end, then the connection cut: what a client leaving mid-upload looks like. */
async function leaveMidBody(base: string): Promise<void> {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key.key}\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"model":"m","messages":`);
  await new Promise((r) => setTimeout(r, 30));
  socket.destroy();
  await new Promise((r) => setTimeout(r, 50));
}

describe('the inference fast path answers as fastify does', () => {
  it('for good requests and every refusal: status, body, headers, then the metrics they left', async () => {
    const handledBefore = viaFastify.get(portOf(fast)) ?? 0;
    for (const c of cases) {
      const a = await send(fast.url, c);
      const b = await send(plain.url, c);
      expect(a.status, `${c.name}: ${a.text}`).toBe(c.status);
      if (c.code) expect(JSON.parse(a.text).error.code, c.name).toBe(c.code);
      expect(comparable(a), c.name).toEqual(comparable(b));
    }
    // Nothing half-read upstream, no answer anyone could read, and the same bookkeeping on both.
    const upstreamBefore = sim.requests.length;
    await leaveMidBody(fast.url);
    await leaveMidBody(plain.url);
    expect(sim.requests.length).toBe(upstreamBefore);
    expect((await send(fast.url, { body: chat() })).status).toBe(200);
    expect((await send(plain.url, { body: chat() })).status).toBe(200);

    // The fast gateway left to fastify exactly the requests it should have.
    expect((viaFastify.get(portOf(fast)) ?? 0) - handledBefore).toBe(cases.filter((c) => c.handedOver).length);
    expect(viaFastify.get(portOf(plain))).toBeGreaterThan(cases.filter((c) => c.status === 200).length);

    const counters = async (gw: Running) =>
      (await (await fetch(`${gw.url}/metrics`)).text()).split('\n').filter((l) => /^foundry_gateway_(errors_total|requests_total|tokens_total|cache_requests_total)\{/.test(l));
    const fastCounters = await counters(fast);
    expect(fastCounters.length).toBeGreaterThan(5);
    expect(fastCounters).toEqual(await counters(plain));
  }, 30_000);

  it('wording of a schema failure names the field, as fastify words it', async () => {
    const a = await send(fast.url, { body: chat({ messages: [{ role: 'robot' }] }) });
    expect(JSON.parse(a.text).error).toEqual({ message: 'body/messages/0/role must be equal to one of the allowed values', type: 'invalid_request_error', param: 'messages.0.role', code: 'invalid_request' });
  });
});

/** Reads `n` complete HTTP responses (each with a Content-Length) from one socket. */
function readResponses(socket: import('node:net').Socket, n: number): Promise<{ status: number; body: string }[]> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const out: { status: number; body: string }[] = [];
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (d: string) => {
      buf += d;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1]);
        if (buf.length < end + 4 + len) return;
        out.push({ status: Number(head.split(' ')[1]), body: buf.slice(end + 4, end + 4 + len) });
        buf = buf.slice(end + 4 + len);
        if (out.length === n) return resolve(out);
      }
    });
  });
}

const raw = (body: string, extra = '') => `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key.key}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('connections on the fast path', () => {
  it('answers pipelined requests in order on one connection', async () => {
    const socket = connect(portOf(fast), '127.0.0.1');
    const answers = readResponses(socket, 3);
    socket.write(raw(chat()) + raw('{"model":') + raw(chat({ max_tokens: 2 })));
    const [a, b, c] = await answers;
    socket.destroy();
    expect([a!.status, b!.status, c!.status]).toEqual([200, 400, 200]);
    expect(JSON.parse(a!.body).usage.completion_tokens).toBe(3);
    expect(JSON.parse(b!.body).error.code).toBe('invalid_json');
    expect(JSON.parse(c!.body).usage.completion_tokens).toBe(2);
  });

  it('keeps a connection alive across requests, refusals included', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    for (const body of [chat(), '{', chat(), chat({ model: 'nope' }), chat()]) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${fast.url}/v1/chat/completions`, { method: 'POST', agent, headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
        reused.push(req.reusedSocket);
      });
    }
    agent.destroy();
    expect(reused).toEqual([false, true, true, true, true]);
  });
});

describe('drain', () => {
  it('lets a request in flight finish and answers one arriving during the drain with fastify\'s 503', async () => {
    const slow = await startSimulator({ model: 'm', latency: { ttftBaseMs: 300, tpotBaseMs: 1 } });
    const gw = await listenGateway({ auth: { api_keys: [key.entry] }, providers: { sim: { kind: 'openai_compatible', base_url: `${slow.url}/v1` } }, models: { m: { targets: [{ provider: 'sim' }] } } });
    try {
      const socket = connect(portOf(gw), '127.0.0.1');
      const answers = readResponses(socket, 2);
      socket.write(raw(chat()));
      await new Promise((r) => setTimeout(r, 100));
      const closing = gw.close();
      await new Promise((r) => setTimeout(r, 30));
      socket.write(raw(chat()));
      const [first, second] = await answers;
      await closing;
      socket.destroy();
      expect(first!.status).toBe(200);
      expect(second).toEqual({ status: 503, body: '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}' });
    } finally {
      await slow.close();
    }
  });
});
