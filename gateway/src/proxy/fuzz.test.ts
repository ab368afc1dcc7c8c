import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';

let sim: Simulator;
let gw: Running;
const key = apiKey('k1', 'p1');

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true, recordLimit: 0, defaultMaxTokens: 2 });
  gw = await listenGateway({
    auth: { api_keys: [key.entry] },
    providers: { sim: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { m: { targets: [{ provider: 'sim' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const role = fc.constantFrom('system', 'user', 'assistant', 'tool', 'developer', 'bogus', '');
const message = fc.record({ role, content: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.record({ type: fc.constantFrom('text', 'image_url'), text: fc.string() }), { maxLength: 2 }), fc.jsonValue()) }, { requiredKeys: [] });
const chatish = fc.record(
  {
    model: fc.oneof(fc.constant('m'), fc.string(), fc.integer()),
    messages: fc.oneof(fc.array(message, { maxLength: 3 }), fc.jsonValue()),
    stream: fc.oneof(fc.boolean(), fc.jsonValue()),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 4 }), fc.double(), fc.string()),
    temperature: fc.oneof(fc.double({ noNaN: true }), fc.constant(null)),
    tools: fc.jsonValue(),
    stream_options: fc.oneof(fc.record({ include_usage: fc.boolean() }), fc.jsonValue()),
    response_format: fc.jsonValue(),
    __proto__: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  chatish.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('latin1')),
);
const path = fc.constantFrom('/v1/chat/completions', '/v1/completions', '/v1/embeddings');
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');

describe('random request bodies', () => {
  it('never crash the gateway and always get a well-formed answer', async () => {
    const allowed = new Set([200, 400, 404, 413, 415]);
    await fc.assert(
      fc.asyncProperty(path, body, contentType, async (url, payload, ct) => {
        const res = await gw.gateway.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${key.key}`, 'content-type': ct } });
        expect(allowed.has(res.statusCode), `${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
        if (res.statusCode !== 200) expect(JSON.parse(res.body).error.code).toEqual(expect.any(String));
      }),
      { numRuns: 10_000 },
    );
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
