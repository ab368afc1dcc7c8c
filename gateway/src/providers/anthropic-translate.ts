/**
 * OpenAI chat request → Anthropic Messages request, and Messages response → chat.completion.
 * Anthropic needs system text top-level, strictly alternating user/assistant turns, tool results
 * as user content blocks, and max_tokens always set.
 */
import { legacyCallId, legacyToolChoice, legacyTools } from './anthropic-legacy';

type Json = Record<string, any>;

const DEFAULT_MAX_TOKENS = 4096;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: Json) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

function userBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((p: Json): Json[] => {
    if (p?.type === 'text') return [{ type: 'text', text: String(p.text ?? '') }];
    if (p?.type === 'image_url') {
      const url = String(p.image_url?.url ?? '');
      const m = /^data:([^;]+);base64,(.*)$/.exec(url);
      return [m ? { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } } : { type: 'image', source: { type: 'url', url } }];
    }
    return [];
  });
}

function parseArgs(args: unknown): unknown {
  try {
    return typeof args === 'string' && args ? JSON.parse(args) : {};
  } catch {
    return {};
  }
}

export function toAnthropicRequest(body: Json, model: string): Json {
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: Json[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]) => {
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  // checkLegacyShape has made sure every `function` message follows an assistant function_call.
  let legacyId = '';
  const history = (body.messages ?? []) as Json[];
  for (let i = 0; i < history.length; i++) {
    const m = history[i]!;
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
    else if (m.role === 'user') push('user', userBlocks(m.content));
    else if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: String(m.tool_call_id ?? ''), content: textOf(m.content) }]);
    else if (m.role === 'function') push('user', [{ type: 'tool_result', tool_use_id: legacyId, content: textOf(m.content) }]);
    else if (m.role === 'assistant') {
      const blocks: Json[] = [];
      const text = textOf(m.content);
      if (text) blocks.push({ type: 'text', text });
      for (const tc of (m.tool_calls ?? []) as Json[]) {
        blocks.push({ type: 'tool_use', id: tc.id, name: tc.function?.name, input: parseArgs(tc.function?.arguments) });
      }
      if (m.function_call) {
        legacyId = legacyCallId(i);
        blocks.push({ type: 'tool_use', id: legacyId, name: m.function_call.name, input: parseArgs(m.function_call.arguments) });
      }
      push('assistant', blocks);
    }
  }
  if (body.response_format?.type === 'json_object' || body.response_format?.type === 'json_schema') {
    // Anthropic has no JSON mode flag; the documented approach is to ask for JSON in the system prompt.
    system.push('Respond only with a single valid JSON object.');
  }
  const out: Json = { model, max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS, messages };
  if (system.length) out.system = system.join('\n\n');
  if (typeof body.temperature === 'number') out.temperature = Math.min(1, body.temperature);
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (body.stop) out.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (body.stream) out.stream = true;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (Array.isArray(body.tools)) {
    out.tools = body.tools.map((t: Json) => ({ name: t.function?.name, description: t.function?.description, input_schema: t.function?.parameters ?? { type: 'object', properties: {} } }));
  }
  const tc = body.tool_choice;
  if (tc === 'auto') out.tool_choice = { type: 'auto' };
  else if (tc === 'required') out.tool_choice = { type: 'any' };
  else if (tc === 'none') out.tool_choice = { type: 'none' };
  else if (tc?.type === 'function') out.tool_choice = { type: 'tool', name: tc.function?.name };
  if (Array.isArray(body.functions)) {
    out.tools = legacyTools(body.functions);
    out.tool_choice = legacyToolChoice(body.function_call);
  }
  return out;
}

export const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', pause_turn: 'stop', refusal: 'content_filter' };

/** `legacy`: the request used `functions`, so its one tool call comes back as `function_call`. */
export function fromAnthropicResponse(msg: Json, legacy = false): Json {
  let text = '';
  const toolCalls: Json[] = [];
  for (const b of (msg.content ?? []) as Json[]) {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'tool_use') toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
  }
  const message: Json = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  let finish = FINISH[msg.stop_reason] ?? 'stop';
  if (legacy && toolCalls.length) {
    // disable_parallel_tool_use in the request keeps this to one call.
    message.function_call = toolCalls[0]!.function;
    if (finish === 'tool_calls') finish = 'function_call';
  } else if (toolCalls.length) message.tool_calls = toolCalls;
  const input = Number(msg.usage?.input_tokens ?? 0);
  const output = Number(msg.usage?.output_tokens ?? 0);
  return {
    id: msg.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}
