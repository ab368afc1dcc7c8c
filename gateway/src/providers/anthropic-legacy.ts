/**
 * OpenAI's deprecated function-calling shape (`functions`, `function_call`, assistant
 * `function_call` history and `role: "function"` results) for the Anthropic translation.
 * Legacy history carries no call ids, while Anthropic pairs every tool_result with the tool_use
 * before it by id, so ids are derived from the assistant message's position: the same history
 * always yields the same ids.
 */
import { GatewayError } from '../errors';

type Json = Record<string, any>;

const MODERN = ['tools', 'tool_choice'] as const;
const LEGACY = ['functions', 'function_call'] as const;

/** The request asked in the legacy shape, so a tool_use answer must come back as function_call. */
export function usesLegacyFunctions(body: Json): boolean {
  return body.tools === undefined && (Array.isArray(body.functions) || body.function_call !== undefined);
}

export function legacyCallId(messageIndex: number): string {
  return `legacy_fc_${messageIndex}`;
}

/** Request checks the translation needs before any upstream is called; null when it can translate. */
export function checkLegacyShape(body: Json): GatewayError | null {
  const modern = MODERN.filter((k) => body[k] !== undefined && body[k] !== null);
  const legacy = LEGACY.filter((k) => body[k] !== undefined && body[k] !== null);
  if (modern.length && legacy.length) {
    return new GatewayError(
      'invalid_request',
      `This request mixes ${modern.map((k) => `\`${k}\``).join(' and ')} with the deprecated ${legacy.map((k) => `\`${k}\``).join(' and ')}; an Anthropic model takes one tool shape per request. Send either \`tools\`/\`tool_choice\` or \`functions\`/\`function_call\`, not both.`,
      { param: legacy[0] },
    );
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  let open = false;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m?.role === 'assistant') open = !!m.function_call;
    else if (m?.role === 'function') {
      if (!open) {
        return new GatewayError('invalid_request', `messages[${i}] is a \`function\` result without an assistant \`function_call\` right before it; each function result must answer the assistant message that called it.`, { param: `messages[${i}]` });
      }
      open = false;
    }
  }
  return null;
}

export function legacyTools(functions: Json[]): Json[] {
  return functions.map((f) => ({ name: f?.name, description: f?.description, input_schema: f?.parameters ?? { type: 'object', properties: {} } }));
}

/**
 * A legacy answer holds one function_call, so Claude is asked for at most one tool call per turn
 * (disable_parallel_tool_use); nothing has to be dropped on the way back.
 */
export function legacyToolChoice(choice: unknown): Json {
  if (choice === 'none') return { type: 'none' };
  if (choice && typeof choice === 'object' && typeof (choice as Json).name === 'string') return { type: 'tool', name: (choice as Json).name, disable_parallel_tool_use: true };
  return { type: 'auto', disable_parallel_tool_use: true };
}
