// The deprecated functions/function_call shape through the Anthropic translation, both ways, as
// pure functions: request history and choices, the refusals, and answers unary and streamed.
import { describe, expect, it } from 'vitest';
import { AnthropicProvider } from './anthropic';
import { checkLegacyShape, usesLegacyFunctions } from './anthropic-legacy';
import { fromAnthropicResponse, toAnthropicRequest } from './anthropic-translate';

const functions = [
  { name: 'weather', description: 'current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'clock' },
];
const provider = new AnthropicProvider('anthropic', 'http://127.0.0.1:1/v1', 'k');

describe('legacy functions → Anthropic request', () => {
  it('turns functions into tools and two rounds of function calls into paired tool_use/tool_result blocks', () => {
    const body = {
      model: 'claude',
      functions,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather and time in Paris?' },
        { role: 'assistant', content: null, function_call: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { role: 'function', name: 'weather', content: 'sunny' },
        { role: 'assistant', content: 'Now the time.', function_call: { name: 'clock', arguments: '' } },
        { role: 'function', name: 'clock', content: '12:00' },
        { role: 'user', content: 'thanks' },
      ],
    };
    expect(checkLegacyShape(body)).toBeNull();
    const out = toAnthropicRequest(body, 'claude-sonnet-4-5');
    expect(out.tools).toEqual([
      { name: 'weather', description: 'current weather', input_schema: functions[0]!.parameters },
      { name: 'clock', description: undefined, input_schema: { type: 'object', properties: {} } },
    ]);
    expect(out.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather and time in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'legacy_fc_2', name: 'weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'legacy_fc_2', content: 'sunny' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Now the time.' }, { type: 'tool_use', id: 'legacy_fc_4', name: 'clock', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'legacy_fc_4', content: '12:00' }, { type: 'text', text: 'thanks' }] },
    ]);
    // The same history always gives the same ids, so a retried or cached request is identical.
    expect(toAnthropicRequest(body, 'claude-sonnet-4-5')).toEqual(out);
  });

  it('maps every function_call variant to a tool_choice', () => {
    const choice = (function_call: unknown) => toAnthropicRequest({ functions, function_call, messages: [{ role: 'user', content: 'x' }] }, 'c').tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice({ name: 'clock' })).toEqual({ type: 'tool', name: 'clock', disable_parallel_tool_use: true });
    expect(choice(undefined)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('leaves a tools request exactly as before', () => {
    const tools = [{ type: 'function', function: functions[0] }];
    const out = toAnthropicRequest({ tools, tool_choice: 'required', messages: [{ role: 'user', content: 'x' }] }, 'c');
    expect(out.tools).toEqual([{ name: 'weather', description: 'current weather', input_schema: functions[0]!.parameters }]);
    expect(out.tool_choice).toEqual({ type: 'any' });
    expect(usesLegacyFunctions({ tools })).toBe(false);
  });

  it('refuses a request mixing tools and functions, naming the fields', () => {
    const tools = [{ type: 'function', function: functions[0] }];
    const e = provider.check('chat', { model: 'claude', tools, functions, function_call: 'auto', messages: [{ role: 'user', content: 'x' }] });
    expect(e).toMatchObject({ code: 'invalid_request', status: 400, param: 'functions' });
    expect(e!.message).toContain('`tools` with the deprecated `functions` and `function_call`');
    expect(checkLegacyShape({ tool_choice: 'auto', function_call: 'none' })!.message).toContain('`tool_choice` with the deprecated `function_call`');
    expect(provider.check('embeddings', { tools, functions })).toBeNull();
  });

  it('refuses a function result that answers no call', () => {
    const e = checkLegacyShape({ functions, messages: [{ role: 'user', content: 'x' }, { role: 'function', name: 'weather', content: 'sunny' }] });
    expect(e).toMatchObject({ code: 'invalid_request', param: 'messages[1]' });
    expect(e!.message).toContain('without an assistant `function_call` right before it');
    const twice = [{ role: 'assistant', function_call: { name: 'clock', arguments: '{}' } }, { role: 'function', name: 'clock', content: 'a' }, { role: 'function', name: 'clock', content: 'b' }];
    expect(checkLegacyShape({ functions, messages: twice })).toMatchObject({ param: 'messages[2]' });
  });
});

describe('Anthropic answer → legacy function_call', () => {
  const msg = { id: 'msg_1', model: 'c', stop_reason: 'tool_use', usage: { input_tokens: 3, output_tokens: 4 }, content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }] };

  it('answers a legacy request with message.function_call and finish_reason function_call', () => {
    const out = fromAnthropicResponse(msg, true);
    expect(out.choices[0]).toMatchObject({ finish_reason: 'function_call', message: { role: 'assistant', content: null, function_call: { name: 'weather', arguments: '{"city":"Paris"}' } } });
    expect(out.choices[0].message.tool_calls).toBeUndefined();
    const viaProvider = JSON.parse(provider.response('chat', Buffer.from(JSON.stringify(msg)), { functions }).body);
    expect(viaProvider.choices[0].message.function_call.name).toBe('weather');
  });

  it('still answers a tools request with tool_calls', () => {
    const out = JSON.parse(provider.response('chat', Buffer.from(JSON.stringify(msg)), { tools: [] }).body);
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.choices[0].message.function_call).toBeUndefined();
    expect(out.choices[0].message.tool_calls[0]).toMatchObject({ id: 'toolu_1', function: { name: 'weather' } });
  });

  const events = [
    { type: 'message_start', message: { id: 'msg_2', model: 'c', usage: { input_tokens: 3 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} } },
    { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city"' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ': "Paris"}' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } },
    { type: 'message_stop' },
  ];
  const streamed = (request: Record<string, unknown>) => {
    const tr = provider.stream('chat', false, request);
    const text = events.map((e) => tr.push(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)).join('');
    return text.split('\n\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)).choices[0]);
  };

  it('streams function_call deltas, name first then argument pieces, ending with function_call', () => {
    const choices = streamed({ functions });
    expect(choices.map((c) => c.delta)).toEqual([
      { role: 'assistant', content: '' },
      { function_call: { name: 'weather', arguments: '' } },
      { function_call: { arguments: '{"city"' } },
      { function_call: { arguments: ': "Paris"}' } },
      {},
    ]);
    expect(choices.at(-1).finish_reason).toBe('function_call');
  });

  it('streams tool_calls deltas for a tools request as before', () => {
    const choices = streamed({ tools: [] });
    expect(choices[1].delta.tool_calls[0]).toMatchObject({ index: 0, id: 'toolu_2', function: { name: 'weather' } });
    expect(choices.at(-1).finish_reason).toBe('tool_calls');
    expect(choices.some((c) => c.delta.function_call)).toBe(false);
  });
});
