/** A profile applied to whole bodies: the request on the way in, a non-streaming answer on the way out. */
import { eachInputText, eachToolArguments, type ToolCallHolder } from './body-text';
import type { GuardrailProfile } from './profile';
import type { ScanReport } from './report';
import { scanArguments, scanText } from './scan';

/**
 * Applies the input side of a profile to a request body, in place. Returns true when the body
 * changed (the caller must then re-serialize instead of forwarding the client's bytes).
 */
export function guardInput(profile: GuardrailProfile, body: Record<string, unknown>, report: ScanReport): boolean {
  let changed = false;
  const msgs = Array.isArray(body.messages) ? (body.messages as ToolCallHolder[]) : [];
  if (profile.maxPromptChars !== undefined) {
    let chars = 0;
    eachInputText(body, (t) => (chars += t.length));
    for (const m of msgs) if (m && typeof m === 'object') eachToolArguments(m, (a) => (chars += a.length));
    if (chars > profile.maxPromptChars) {
      report.add('max_prompt_chars', 'block', 'input');
      report.block = { rule: 'max_prompt_chars', direction: 'input' };
      return false;
    }
  }
  if (profile.input.length === 0) return false;
  eachInputText(body, (text, set) => {
    if (report.block) return;
    const out = scanText(profile.input, text, 'input', report);
    if (out !== text) {
      set(out);
      changed = true;
    }
  });
  // Tool-call arguments in the conversation history are prompt text too.
  for (const m of msgs) {
    if (report.block) break;
    if (!m || typeof m !== 'object') continue;
    eachToolArguments(m, (args, set) => {
      if (report.block) return;
      const out = scanArguments(profile.input, args, 'input', report);
      if (out !== args) {
        set(out);
        changed = true;
      }
    });
  }
  return changed;
}

/**
 * Applies the output side to a non-streaming chat or completions answer. Returns the new bytes,
 * or null when nothing changed (the upstream's bytes are sent as they are).
 */
export function guardOutput(profile: GuardrailProfile, body: Buffer | string, report: ScanReport): string | null {
  if (profile.output.length === 0) return null;
  let obj: { choices?: { message?: { content?: unknown } & ToolCallHolder; text?: unknown }[] };
  try {
    obj = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return null;
  }
  let changed = false;
  for (const c of obj.choices ?? []) {
    if (report.block) break;
    if (c.message && typeof c.message.content === 'string') {
      const out = scanText(profile.output, c.message.content, 'output', report);
      if (out !== c.message.content) (c.message.content = out), (changed = true);
    } else if (typeof c.text === 'string') {
      const out = scanText(profile.output, c.text, 'output', report);
      if (out !== c.text) (c.text = out), (changed = true);
    }
    if (c.message && !report.block) {
      eachToolArguments(c.message, (args, set) => {
        if (report.block) return;
        const out = scanArguments(profile.output, args, 'output', report);
        if (out !== args) (set(out), (changed = true));
      });
    }
  }
  return changed && !report.block ? JSON.stringify(obj) : null;
}
