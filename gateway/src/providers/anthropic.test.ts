import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../../e2e/fixtures/fake-anthropic';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';

let fake: FakeAnthropic;
let gw: Running;
const key = apiKey('k1', 'p1');

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: 'sk-ant-test' });
  gw = await listenGateway(
    {
      auth: { api_keys: [key.entry] },
      providers: { anthropic: { kind: 'anthropic', base_url: `${fake.url}/v1`, api_key_env: 'ANTHROPIC_API_KEY' } },
      models: { claude: { targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] } },
    },
    secretsFrom({}, { ANTHROPIC_API_KEY: 'sk-ant-test' }),
  );
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

const client = () => new OpenAI({ apiKey: key.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });

describe('Anthropic provider behind the chat shape', () => {
  it('translates system, alternating turns and max_tokens into a Messages request', async () => {
    const r = await client().chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ],
      temperature: 1.5,
    });
    expect(r.choices[0]!.message.content).toBe('Hello from the fake Claude.');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.completion_tokens).toBe(6);
    const sent = fake.requests.at(-1)!;
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', system: 'be brief', max_tokens: 4096, temperature: 1 });
    expect(sent.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }]);
  });

  it('maps max_tokens stops to finish_reason length', async () => {
    const r = await client().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.message.content).toBe('Hello from');
  });

  it('streams Anthropic events as chat.completion.chunks with usage', async () => {
    const stream = await client().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: any = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe('Hello from the fake Claude.');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 6 });
  });

  it('turns tools into Anthropic tools and tool_use back into tool_calls, streamed and not', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'weather', description: 'w', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const r = await client().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'weather?' }], tools, tool_choice: { type: 'function', function: { name: 'weather' } } });
    expect(fake.requests.at(-1)!.body.tools).toEqual([{ name: 'weather', description: 'w', input_schema: tools[0]!.function.parameters }]);
    expect(fake.requests.at(-1)!.body.tool_choice).toEqual({ type: 'tool', name: 'weather' });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    const call = r.choices[0]!.message.tool_calls![0] as { function: { arguments: string } };
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });

    const stream = await client().chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'weather?' }], tools, tool_choice: 'required', stream: true });
    let args = '';
    let name = '';
    for await (const c of stream) {
      const tc = c.choices[0]?.delta?.tool_calls?.[0];
      if (tc?.function?.name) name = tc.function.name;
      args += tc?.function?.arguments ?? '';
    }
    expect(name).toBe('weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
  });

  it('sends tool results back as user tool_result blocks', async () => {
    await client().chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      ],
    });
    expect(fake.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
    ]);
  });

  it('refuses embeddings for an Anthropic model', async () => {
    await expect(client().embeddings.create({ model: 'claude', input: 'x' })).rejects.toMatchObject({ status: 400 });
  });
});
