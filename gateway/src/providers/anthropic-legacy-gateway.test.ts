// The deprecated functions/function_call shape end to end: a real gateway in front of the fake
// Anthropic server, which checks tool_use/tool_result pairing like the real API and, here, echoes
// the last user text into a forced tool call's first string parameter.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../../e2e/fixtures/fake-anthropic';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';

let fake: FakeAnthropic;
let gw: Running;
const plain = apiKey('k-p', 'team-p');
const redact = apiKey('k-r', 'team-r');

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: 'sk-ant-test', echoToolInput: true });
  gw = await listenGateway(
    {
      auth: { api_keys: [plain.entry, redact.entry] },
      projects: { 'team-r': { guardrail: 'out-redact' } },
      guardrails: { 'out-redact': { pii: ['email'], directions: ['output'] } },
      providers: {
        anthropic: { kind: 'anthropic', base_url: `${fake.url}/v1`, api_key_env: 'ANTHROPIC_API_KEY' },
        // Nothing listens here: a request that reached it would fail with a 5xx, not a 400.
        nowhere: { kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1' },
      },
      models: {
        claude: { targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
        'vllm-then-claude': { strategy: 'priority', targets: [{ provider: 'nowhere', model: 'm' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
      },
    },
    secretsFrom({}, { ANTHROPIC_API_KEY: 'sk-ant-test' }),
  );
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const functions = [{ name: 'send_mail', description: 'send a mail', parameters: { type: 'object', properties: { body: { type: 'string' } } } }];
const legacyCall = (content: string) => ({ model: 'claude', messages: [{ role: 'user' as const, content }], functions, function_call: { name: 'send_mail' } });

describe('legacy functions through the gateway to Anthropic', () => {
  it('sends functions as tools and answers with message.function_call', async () => {
    const r = await client(plain.key).chat.completions.create(legacyCall('hello Bob'));
    const sent = fake.requests.at(-1)!.body;
    expect(sent.tools).toEqual([{ name: 'send_mail', description: 'send a mail', input_schema: functions[0]!.parameters }]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'send_mail', disable_parallel_tool_use: true });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('function_call');
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.message.function_call!.name).toBe('send_mail');
    expect(JSON.parse(choice.message.function_call!.arguments)).toEqual({ body: 'hello Bob' });
  });

  it('streams function_call deltas: the name first, then the arguments in pieces', async () => {
    const stream = await client(plain.key).chat.completions.create({ ...legacyCall('hello Bob, see you at noon'), stream: true });
    const names: string[] = [];
    let args = '';
    let pieces = 0;
    let finish = '';
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      expect(c?.delta?.tool_calls).toBeUndefined();
      if (c?.delta?.function_call?.name) names.push(c.delta.function_call.name);
      if (c?.delta?.function_call?.arguments) pieces++;
      args += c?.delta?.function_call?.arguments ?? '';
      finish ||= c?.finish_reason ?? '';
    }
    expect(names).toEqual(['send_mail']);
    expect(pieces).toBeGreaterThan(3);
    expect(JSON.parse(args)).toEqual({ body: 'hello Bob, see you at noon' });
    expect(finish).toBe('function_call');
  });

  it('replays two rounds of function calls as paired tool_use/tool_result blocks the server accepts', async () => {
    const r = await client(plain.key).chat.completions.create({
      model: 'claude',
      functions,
      function_call: 'auto',
      messages: [
        { role: 'user', content: 'mail Bob twice' },
        { role: 'assistant', content: null, function_call: { name: 'send_mail', arguments: '{"body":"one"}' } },
        { role: 'function', name: 'send_mail', content: 'sent' },
        { role: 'assistant', content: null, function_call: { name: 'send_mail', arguments: '{"body":"two"}' } },
        { role: 'function', name: 'send_mail', content: 'sent again' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('Hello from the fake Claude.');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    const ids = fake.requests.at(-1)!.body.messages.flatMap((m: any) => m.content.map((b: any) => b.id ?? b.tool_use_id)).filter(Boolean);
    expect(ids).toEqual(['legacy_fc_1', 'legacy_fc_1', 'legacy_fc_3', 'legacy_fc_3']);
  });

  it('refuses tools mixed with functions before any upstream call, for any target of the chain', async () => {
    const before = fake.requests.length;
    for (const model of ['claude', 'vllm-then-claude']) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plain.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...legacyCall('x'), model, tools: [{ type: 'function', function: functions[0] }] }),
      });
      expect(res.status, model).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; param: string; message: string } };
      expect(error).toMatchObject({ code: 'invalid_request', param: 'functions' });
      expect(error.message).toContain('mixes `tools` with the deprecated `functions` and `function_call`');
    }
    expect(fake.requests.length).toBe(before);
  });

  it('refuses a function result that follows no function_call with a 400 naming the message', async () => {
    const err = await client(plain.key)
      .chat.completions.create({ model: 'claude', functions, messages: [{ role: 'user', content: 'x' }, { role: 'function', name: 'send_mail', content: 'sent' }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'messages[1]' });
  });

  it('applies output guardrails to the translated function_call arguments', async () => {
    const r = await client(redact.key).chat.completions.create(legacyCall('write to jane.doe@corp.com')).withResponse();
    expect(fake.requests.at(-1)!.body.messages[0].content[0].text).toBe('write to jane.doe@corp.com');
    expect(JSON.parse(r.data.choices[0]!.message.function_call!.arguments)).toEqual({ body: 'write to [EMAIL]' });
    expect(r.response.headers.get('x-foundry-guardrail')).toBe('redact:output:pii.email');

    const stream = await client(redact.key).chat.completions.create({ ...legacyCall('write to jane.doe@corp.com'), stream: true });
    let args = '';
    for await (const chunk of stream) args += chunk.choices[0]?.delta?.function_call?.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ body: 'write to [EMAIL]' });
  });
});
