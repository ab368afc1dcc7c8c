/** Where the text of a request or answer body lives: the strings guardrails scan, with a setter each. */

export type ToolCallHolder = { tool_calls?: unknown; function_call?: unknown };

/** The slot of a legacy `function_call`: a message has at most one, beside tool calls 0, 1, …. */
export const FUNCTION_CALL_SLOT = -1;

/**
 * Visits the `arguments` of every tool call and of a legacy `function_call` a message (or a
 * stream delta) carries. `slot` names which call: its tool-call index, or FUNCTION_CALL_SLOT.
 */
export function eachToolArguments(msg: ToolCallHolder, visit: (args: string, set: (t: string) => void, slot: number) => void): void {
  if (Array.isArray(msg.tool_calls)) {
    const calls = msg.tool_calls as { index?: unknown; function?: { arguments?: unknown } }[];
    for (let i = 0; i < calls.length; i++) {
      const tc = calls[i];
      const f = tc?.function;
      if (f && typeof f.arguments === 'string') visit(f.arguments, (t) => (f.arguments = t), typeof tc!.index === 'number' ? tc!.index : i);
    }
  }
  const fc = msg.function_call as { arguments?: unknown } | undefined;
  if (fc && typeof fc.arguments === 'string') visit(fc.arguments, (t) => (fc.arguments = t), FUNCTION_CALL_SLOT);
}

/** A stream delta carrying more argument text for one slot, in the shape that slot streams in. */
export function argumentsDelta(slot: number, text: string): ToolCallHolder {
  if (slot === FUNCTION_CALL_SLOT) return { function_call: { arguments: text } };
  return { tool_calls: [{ index: slot, function: { arguments: text } }] };
}

/** Visits every prompt string of a chat, completions or embeddings body; `set` replaces it. */
export function eachInputText(body: Record<string, unknown>, visit: (text: string, set: (t: string) => void) => void): void {
  const msgs = body.messages;
  if (Array.isArray(msgs)) {
    for (const m of msgs as Record<string, unknown>[]) {
      if (!m || typeof m !== 'object') continue;
      const c = m.content;
      if (typeof c === 'string') visit(c, (t) => (m.content = t));
      else if (Array.isArray(c)) {
        for (const part of c as Record<string, unknown>[]) {
          if (part && typeof part.text === 'string') visit(part.text, (t) => (part.text = t));
        }
      }
    }
    return;
  }
  for (const field of ['prompt', 'input'] as const) {
    const p = body[field];
    if (typeof p === 'string') visit(p, (t) => (body[field] = t));
    else if (Array.isArray(p)) p.forEach((x, i) => typeof x === 'string' && visit(x, (t) => (p[i] = t)));
  }
}
