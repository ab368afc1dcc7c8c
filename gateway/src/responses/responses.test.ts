import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';

let sim: Simulator;
let gw: Running;
const k = apiKey('k-r', 'team-r');
const g = apiKey('k-rg', 'team-guarded');

beforeAll(async () => {
  sim = await startSimulator({ model: 'sim-model', zeroDelay: true });
  gw = await listenGateway({
    auth: { api_keys: [k.entry, g.entry] },
    projects: { 'team-guarded': { guardrail: 'pii' } },
    guardrails: { pii: {} },
    providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { chat: { targets: [{ provider: 'vllm', model: 'sim-model' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const client = (key = k.key) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });

describe('/v1/responses (text) with the official openai client', () => {
  it('answers a string input, with instructions, on the chat path', async () => {
    const r = await client().responses.create({ model: 'chat', input: 'hello world', instructions: 'be brief' });
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(r.output_text).toMatch(/^the model answers with simulated tokens/);
    expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(r.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(r.usage!.total_tokens).toBe(r.usage!.input_tokens + r.usage!.output_tokens);
    const sent = sim.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({ model: 'sim-model', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello world' }] });
  });

  it('translates message items, max_output_tokens and marks a length stop as incomplete', async () => {
    const r = await client().responses.create({
      model: 'chat',
      input: [
        { role: 'developer', content: 'sys' },
        { role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'prev', annotations: [] }] } as never,
        { role: 'user', content: 'again' },
      ],
      max_output_tokens: 3,
      temperature: 0.5,
    });
    expect(r.output_text).toBe('the model answers');
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(sim.requests.at(-1)!.body).toMatchObject({ max_tokens: 3, temperature: 0.5, messages: [{ role: 'developer', content: 'sys' }, { role: 'user', content: 'ab' }, { role: 'assistant', content: 'prev' }, { role: 'user', content: 'again' }] });
  });

  it('streams with the Responses event names and the client assembles the text', async () => {
    const stream = await client().responses.create({ model: 'chat', input: 'hi', max_output_tokens: 4, stream: true });
    const types: string[] = [];
    let text = '';
    let final: any = null;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed' || ev.type === 'response.incomplete') final = ev.response;
    }
    expect(text).toBe('the model answers with');
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.incomplete']);
    expect(final.output[0].content[0].text).toBe(text);
    expect(final.usage.output_tokens).toBe(4);
  });

  it('applies guardrails and rejects non-text input in OpenAI error shape', async () => {
    await client(g.key).responses.create({ model: 'chat', input: 'mail me at a@b.io' });
    expect((sim.requests.at(-1)!.body as any).messages[0].content).toBe('mail me at [EMAIL]');
    await expect(client().responses.create({ model: 'chat', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'http://x/y.png', detail: 'auto' }] }] })).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    await expect(client().responses.create({ model: 'nope', input: 'x' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it("carries a guarded stream's guardrail report as an SSE comment the official client skips", async () => {
    const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${g.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'chat', input: 'mail me at a@b.io', stream: true }) });
    const raw = await res.text();
    expect(res.headers.get('x-foundry-guardrail')).toBe('redact:input:pii.email');
    expect(raw).toMatch(/\n\n: x-foundry-guardrail redact:input:pii\.email\n\nevent: response\.output_text\.done\n/);
    const stream = await client(g.key).responses.create({ model: 'chat', input: 'mail me at a@b.io', max_output_tokens: 4, stream: true });
    let text = '';
    for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
    expect(text).toBe('the model answers with');
  });

  it('is in /openapi.json', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    const op = doc.paths['/v1/responses'].post;
    expect(op.operationId).toBe('createResponse');
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['model', 'input']);
    expect(Object.keys(op.responses['200'].content)).toEqual(['application/json', 'text/event-stream']);
  });
});
