import { createServer, type Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';

/** An OTLP/HTTP traces receiver: decodes the JSON export requests the SDK sends and keeps the spans. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
}
const spans: OtlpSpan[] = [];
const exportRequests: { contentType: string | undefined }[] = [];
let receiver: Server;
let receiverUrl = '';

function attrs(list: { key: string; value: Record<string, unknown> }[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list) {
    const v = a.value;
    out[a.key] = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue;
  }
  return out;
}

async function startReceiver(): Promise<void> {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      exportRequests.push({ contentType: req.headers['content-type'] });
      if (req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw);
      for (const rs of body.resourceSpans ?? []) {
        const resource = attrs(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, attributes: attrs(s.attributes), status: s.status ?? {}, resource });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/v1/traces`;
}

async function waitForSpans(pred: (s: OtlpSpan[]) => boolean, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!pred(spans)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(spans.map((s) => [s.name, s.traceId]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const key = apiKey('k-otel', 'team-otel');
let sim: Simulator;
let backup: Simulator;
let gw: Running;
const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7 + n) % 16]).join('');

beforeAll(async () => {
  await startReceiver();
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  backup = await startSimulator({ model: 'm', zeroDelay: true });
  gw = await listenGateway({
    auth: { api_keys: [key.entry] },
    providers: { a: { kind: 'openai_compatible', base_url: `${sim.url}/v1` }, b: { kind: 'openai_compatible', base_url: `${backup.url}/v1` } },
    models: {
      chat: { targets: [{ provider: 'a', model: 'm' }] },
      fallback: { strategy: 'weighted', targets: [{ provider: 'a', model: 'm', weight: 1000000 }, { provider: 'b', model: 'm', weight: 0.000001 }] },
    },
    tracing: { otlp_endpoint: receiverUrl, service_name: 'gw-under-test', batch_delay_ms: 50 },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
  await backup.close();
  await new Promise((r) => receiver.close(r));
});

const chat = (headers: Record<string, string>, body: object = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 3, ...body }) });

describe('OpenTelemetry span export over OTLP/HTTP', () => {
  it("continues the caller's trace: request span under its span, attempt span under that, upstream traceparent names the attempt", async () => {
    const traceId = hex(32);
    const parent = hex(16);
    const res = await chat({ traceparent: `00-${traceId}-${parent}-01`, tracestate: 'vendor=abc' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-foundry-trace-id')).toBe(traceId);
    await waitForSpans((s) => s.filter((x) => x.traceId === traceId).length >= 2, 'request + attempt spans');
    const mine = spans.filter((s) => s.traceId === traceId);
    const server = mine.find((s) => s.kind === 2)!;
    const client = mine.find((s) => s.kind === 3)!;
    expect(server.name).toBe('POST /v1/chat/completions');
    expect(server.parentSpanId).toBe(parent);
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/chat/completions', 'http.response.status_code': 200, 'gen_ai.request.model': 'chat', 'foundry.project': 'team-otel', 'foundry.key_id': 'k-otel', 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 3, 'foundry.target': 'a/m', 'foundry.stream': false });
    expect(server.resource['service.name']).toBe('gw-under-test');
    // Started at arrival (a performance.now() value converted by the SDK), ended after the attempt.
    const startMs = Number(BigInt(server.startTimeUnixNano) / 1_000_000n);
    expect(Math.abs(startMs - Date.now())).toBeLessThan(60_000);
    // The SDK anchors each span's clock to Date.now() (1 ms resolution) when the span starts, so two
    // spans' times agree only to about a millisecond; the order is checked with that slack.
    const slack = 2_000_000n;
    expect(BigInt(server.startTimeUnixNano) <= BigInt(client.startTimeUnixNano) + slack).toBe(true);
    expect(BigInt(client.endTimeUnixNano) <= BigInt(server.endTimeUnixNano) + slack).toBe(true);
    expect(client.name).toBe('upstream attempt');
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.attributes).toMatchObject({ 'foundry.target': 'a/m', 'foundry.outcome': 'ok', 'http.response.status_code': 200, 'server.address': sim.url });
    const upstream = sim.requests.at(-1)!.headers;
    expect(upstream.traceparent).toBe(`00-${traceId}-${client.spanId}-01`);
    expect(upstream.tracestate).toBe('vendor=abc');
    expect(exportRequests.at(-1)!.contentType).toBe('application/json');
  });

  it('starts a new trace when there is no valid traceparent, and reports it in x-foundry-trace-id', async () => {
    for (const tp of [undefined, '00-zz-bad-01', `00-${'0'.repeat(32)}-${hex(16)}-01`]) {
      const res = await chat(tp ? { traceparent: tp } : {});
      const id = res.headers.get('x-foundry-trace-id')!;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      await waitForSpans((s) => s.some((x) => x.traceId === id && x.kind === 2), 'a root request span');
      expect(spans.find((x) => x.traceId === id && x.kind === 2)!.parentSpanId ?? '').toBe('');
    }
  });

  it('records a failed attempt and the fallback as two attempt spans under one request span, streaming included', async () => {
    sim.setFault({ kind: 'error500', times: 1 });
    const traceId = hex(32).split('').reverse().join('');
    const res = await chat({ traceparent: `00-${traceId}-${hex(16)}-01` }, { model: 'fallback', stream: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('[DONE]');
    await waitForSpans((s) => s.filter((x) => x.traceId === traceId).length >= 3, 'request + 2 attempt spans');
    const mine = spans.filter((s) => s.traceId === traceId);
    const server = mine.find((s) => s.kind === 2)!;
    const attempts = mine.filter((s) => s.kind === 3);
    expect(attempts.map((a) => a.attributes['foundry.outcome']).sort()).toEqual(['ok', 'upstream_error']);
    expect(attempts.every((a) => a.parentSpanId === server.spanId)).toBe(true);
    expect(attempts.find((a) => a.attributes['foundry.outcome'] === 'upstream_error')!.status.code).toBe(2);
    expect(server.attributes['foundry.stream']).toBe(true);
    expect(server.attributes['foundry.target']).toBe('b/m');
    expect(backup.requests.at(-1)!.headers.traceparent).toBe(`00-${traceId}-${attempts.find((a) => a.attributes['foundry.outcome'] === 'ok')!.spanId}-01`);
  });

  it('marks gateway-side refusals as error spans (unknown model)', async () => {
    const traceId = hex(32).replace(/^./, 'f');
    const res = await chat({ traceparent: `00-${traceId}-${hex(16)}-01` }, { model: 'nope' });
    expect(res.status).toBe(404);
    await waitForSpans((s) => s.some((x) => x.traceId === traceId), 'the refused request span');
    const s = spans.find((x) => x.traceId === traceId)!;
    expect(s.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': 'model_not_found' });
    expect(s.status.code).toBe(2);
  });

  it("follows the caller's not-sampled flag: nothing exported, the trace id still flows upstream", async () => {
    const traceId = hex(32).replace(/^./, 'e');
    const res = await chat({ traceparent: `00-${traceId}-${hex(16)}-00` });
    expect(res.status).toBe(200);
    expect(sim.requests.at(-1)!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    // Another, sampled request exported after it proves the batch went out without this one.
    const marker = hex(32).replace(/^./, 'd');
    await chat({ traceparent: `00-${marker}-${hex(16)}-01` });
    await waitForSpans((s) => s.some((x) => x.traceId === marker), 'the marker span');
    expect(spans.some((x) => x.traceId === traceId)).toBe(false);
  });

  it('works with the official openai client and is off entirely without [tracing]', async () => {
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }).withResponse();
    const id = r.response.headers.get('x-foundry-trace-id')!;
    await waitForSpans((s) => s.some((x) => x.traceId === id), 'the openai client request span');
    const plain = await listenGateway({ auth: { api_keys: [key.entry] }, providers: { a: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } }, models: { chat: { targets: [{ provider: 'a', model: 'm' }] } } });
    try {
      expect(plain.gateway.services.tracing).toBeNull();
      const before = exportRequests.length;
      const res = await fetch(`${plain.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }) });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(exportRequests.length).toBe(before);
    } finally {
      await plain.close();
    }
  });
});
