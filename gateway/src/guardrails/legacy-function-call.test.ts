// Output guardrails on the deprecated `functions` / `function_call` API through a real gateway in
// front of the vLLM simulator, which answers a forced legacy call by echoing the user's message into
// the call's arguments (streamed in 4-character pieces). Only the output side is guarded here, so
// the text reaches the simulator untouched and comes back as call arguments the model "wrote".
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, sse, type Running } from '../../test-support/harness';

let sim: Simulator;
let gw: Running;
const redact = apiKey('k-r', 'team-r');
const block = apiKey('k-b', 'team-b');

beforeAll(async () => {
  sim = await startSimulator({ zeroDelay: true });
  gw = await listenGateway({
    auth: { api_keys: [redact.entry, block.entry] },
    projects: { 'team-r': { guardrail: 'out-redact' }, 'team-b': { guardrail: 'out-block' } },
    guardrails: {
      'out-redact': { pii: ['email', 'card'], directions: ['output'] },
      'out-block': { action: 'block', pii: ['card'], directions: ['output'] },
    },
    providers: { sim: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { m: { targets: [{ provider: 'sim', model: 'sim-model' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const functions = [{ name: 'send_mail', parameters: { type: 'object', properties: { body: { type: 'string' } } } }];
const legacyCall = (content: string) => ({ model: 'm', messages: [{ role: 'user' as const, content }], functions, function_call: { name: 'send_mail' } });

describe('output guardrails on legacy function_call answers (vLLM simulator)', () => {
  it('forwards the legacy request unchanged and redacts the answer\'s function_call arguments', async () => {
    const r = await client(redact.key).chat.completions.create(legacyCall('mail jane.doe@corp.com now')).withResponse();
    const sent = sim.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.functions).toEqual(functions);
    expect(sent.function_call).toEqual({ name: 'send_mail' });
    const choice = r.data.choices[0]!;
    expect(choice.finish_reason).toBe('function_call');
    expect(choice.message.function_call!.name).toBe('send_mail');
    expect(JSON.parse(choice.message.function_call!.arguments)).toEqual({ body: 'mail [EMAIL] now' });
    expect(r.response.headers.get('x-foundry-guardrail')).toBe('redact:output:pii.email');
  });

  it('redacts streamed function_call arguments at every alignment of the 4-character pieces', async () => {
    for (const pad of ['', 'a', 'ab', 'abc']) {
      const stream = await client(redact.key).chat.completions.create({ ...legacyCall(`${pad} mail jane.doe@corp.com, card 4111 1111 1111 1111`), stream: true });
      let args = '';
      let name = '';
      let finish = '';
      let deltas = 0;
      for await (const chunk of stream) {
        const c = chunk.choices[0];
        if (c?.delta?.function_call) deltas++;
        args += c?.delta?.function_call?.arguments ?? '';
        name ||= c?.delta?.function_call?.name ?? '';
        finish ||= c?.finish_reason ?? '';
      }
      expect(deltas, 'arguments arrived in many pieces').toBeGreaterThan(5);
      expect(name).toBe('send_mail');
      expect(finish).toBe('function_call');
      expect(JSON.parse(args), `pad "${pad}"`).toEqual({ body: `${pad} mail [EMAIL], card [CARD]` });
    }
  });

  it('ends a stream with guardrail_blocked before a card in function_call arguments leaves, and counts it', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${block.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...legacyCall('pay with 4111 1111 1111 1111 please'), stream: true }),
    });
    const events = sse(await res.text());
    const sent = events.map((e) => (e === '[DONE]' ? '' : (JSON.parse(e).choices?.[0]?.delta?.function_call?.arguments ?? ''))).join('');
    expect(sent.replace(/\s/g, '')).not.toContain('4111');
    expect(JSON.parse(events.at(-1)!).error).toMatchObject({ code: 'guardrail_blocked' });
    expect(events).not.toContain('[DONE]');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('foundry_gateway_guardrail_actions_total{project="team-b",profile="out-block",rule="pii.card",action="block",direction="output"} 1');
  });
});
