import fc from 'fast-check';
import { Pool } from 'undici';
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
/** Well-formed requests with arbitrary text, so the answering and streaming paths are fuzzed too, not only refusals. */
const valid = fc
  .record({
    model: fc.constant('m'),
    messages: fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: fc.string({ unit: 'binary' }) }), { minLength: 1, maxLength: 3 }),
    prompt: fc.string({ unit: 'binary' }),
    input: fc.string({ unit: 'binary' }),
    stream: fc.boolean(),
    max_tokens: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ messages, prompt, input, ...rest }) => JSON.stringify({ ...rest, messages, prompt, input }));
const body = fc.oneof(
  valid,
  chatish.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('latin1')),
);
const path = fc.constantFrom('/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses');
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');

describe('random request bodies', () => {
  // Over real HTTP, so they meet the gateway's own listener: the inference fast path takes JSON
  // requests, fastify the rest (other content types), and both must hold.
  it('never crash the gateway and always get a well-formed answer', async () => {
    const allowed = new Set([200, 400, 404, 413, 415]);
    const pool = new Pool(gw.url, { connections: 4 });
    const seen = new Map<number, number>();
    try {
      await fc.assert(
        fc.asyncProperty(path, body, contentType, async (url, payload, ct) => {
          const res = await pool.request({ method: 'POST', path: url, body: payload, headers: { authorization: `Bearer ${key.key}`, 'content-type': ct } });
          const text = await res.body.text();
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
          expect(allowed.has(res.statusCode), `${res.statusCode} ${text.slice(0, 200)}`).toBe(true);
          if (res.statusCode !== 200) expect(JSON.parse(text).error.code).toEqual(expect.any(String));
        }),
        { numRuns: 10_000 },
      );
    } finally {
      await pool.close();
    }
    // The generator reaches answers, refusals by schema and by content type alike.
    for (const status of [200, 400, 415]) expect(seen.get(status) ?? 0, JSON.stringify([...seen])).toBeGreaterThan(50);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
