/**
 * Output guardrails on a stream: wraps the provider's translator and rewrites the OpenAI chunks
 * it emits (chat `delta.content`, completions `text`), holding back a small tail per choice so
 * matches split across chunks are caught. A block ends the stream with an error event in place
 * of the offending text; what was already sent stays sent (it was scanned before it left).
 */
import { GatewayError, toOpenAIError } from '../errors';
import type { StreamTranslator, Usage } from '../providers/types';
import { argumentsDelta, eachToolArguments } from './body-text';
import type { GuardrailProfile } from './profile';
import type { ScanReport } from './report';
import { StreamRedactor } from './stream-redactor';
import { reportComment } from './stream-report';

type Json = Record<string, any>;

export class GuardedStream implements StreamTranslator {
  private readonly redactors = new Map<number, StreamRedactor>();
  /** Per choice, per call slot (tool-call index, or the legacy function_call): the arguments' held-back tails. */
  private readonly toolRedactors = new Map<number, Map<number, StreamRedactor>>();
  private template: Json | null = null;
  private blocked = false;

  constructor(
    private readonly inner: StreamTranslator,
    private readonly profile: GuardrailProfile,
    private readonly report: ScanReport,
    private readonly onBlock: (rule: string) => GatewayError,
  ) {}

  get usage(): Usage | null {
    return this.inner.usage;
  }
  get deltas(): number {
    return this.inner.deltas;
  }
  get done(): boolean {
    return this.blocked || this.inner.done;
  }
  get error(): string | null {
    return this.blocked ? null : this.inner.error;
  }
  set error(e: string | null) {
    this.inner.error = e;
  }

  private redactor(i: number): StreamRedactor {
    let r = this.redactors.get(i);
    if (!r) this.redactors.set(i, (r = new StreamRedactor(this.profile, this.report)));
    return r;
  }

  private toolRedactor(choice: number, slot: number): StreamRedactor {
    let m = this.toolRedactors.get(choice);
    if (!m) this.toolRedactors.set(choice, (m = new Map()));
    let r = m.get(slot);
    if (!r) m.set(slot, (r = new StreamRedactor(this.profile, this.report)));
    return r;
  }

  /** An extra chunk carrying call-argument text released at the end of a choice. */
  private releasedTool(index: number, slot: number, text: string): string {
    const { usage: _u, ...base } = this.template ?? {};
    return `data: ${JSON.stringify({ ...base, choices: [{ index, delta: argumentsDelta(slot, text), logprobs: null, finish_reason: null }] })}\n\n`;
  }

  /** Releases every held tool-argument tail of one choice; '' plus report.block set on a block. */
  private flushTools(choice: number): string {
    const m = this.toolRedactors.get(choice);
    if (!m) return '';
    let out = '';
    for (const [slot, r] of m) {
      const t = r.flush();
      if (this.report.block) return out;
      if (t) out += this.releasedTool(choice, slot, t);
    }
    this.toolRedactors.delete(choice);
    return out;
  }

  /** An extra content chunk carrying text released at the end of a choice. */
  private released(index: number, text: string): string {
    const t = this.template ?? {};
    const chat = t.object !== 'text_completion';
    const choice = chat ? { index, delta: { content: text }, logprobs: null, finish_reason: null } : { index, text, logprobs: null, finish_reason: null };
    const { usage: _u, ...base } = t;
    return `data: ${JSON.stringify({ ...base, choices: [choice] })}\n\n`;
  }

  private stop(): string {
    this.blocked = true;
    const rule = this.report.block!.rule;
    return `${reportComment(this.report)}data: ${JSON.stringify(toOpenAIError(this.onBlock(rule)))}\n\n`;
  }

  private flushAll(): string {
    let out = '';
    for (const [i, r] of this.redactors) {
      const t = r.flush();
      if (this.report.block) return out + this.stop();
      if (t) out += this.released(i, t);
    }
    for (const choice of [...this.toolRedactors.keys()]) {
      out += this.flushTools(choice);
      if (this.report.block) return out + this.stop();
    }
    return out;
  }

  push(text: string): string {
    if (this.blocked) return '';
    const src = this.inner.push(text);
    if (!src) return '';
    let out = '';
    let from = 0;
    for (;;) {
      const end = src.indexOf('\n\n', from);
      if (end < 0) break;
      const block = src.slice(from, end + 2);
      from = end + 2;
      if (!block.startsWith('data: ')) {
        out += block;
        continue;
      }
      const data = block.slice(6, -2);
      if (data === '[DONE]') {
        out += this.flushAll();
        if (this.blocked) return out;
        out += reportComment(this.report) + block;
        continue;
      }
      let obj: Json;
      try {
        obj = JSON.parse(data);
      } catch {
        out += block;
        continue;
      }
      const choices = obj.choices as Json[] | undefined;
      if (!Array.isArray(choices) || choices.length === 0 || obj.error) {
        out += block;
        continue;
      }
      if (!this.template) this.template = obj;
      let changed = false;
      let empty = true;
      let prefix = '';
      for (const c of choices) {
        const index = typeof c.index === 'number' ? c.index : 0;
        const holder = c.delta && typeof c.delta.content === 'string' ? c.delta : typeof c.text === 'string' ? c : null;
        const field = holder === c ? 'text' : 'content';
        if (holder && holder[field]) {
          const safe = this.redactor(index).push(holder[field]);
          if (this.report.block) return out + this.stop();
          if (safe !== holder[field]) (holder[field] = safe), (changed = true);
        }
        const d = c.delta as Json | undefined;
        // Call arguments (tool_calls and the legacy function_call) stream as JSON fragments per
        // call: each gets its own held-back window (placeholders are plain text, valid inside a
        // JSON string).
        if (d && (d.tool_calls || d.function_call)) {
          eachToolArguments(d, (args, set, slot) => {
            if (!args || this.report.block) return;
            const safe = this.toolRedactor(index, slot).push(args);
            if (!this.report.block && safe !== args) (set(safe), (changed = true));
          });
          if (this.report.block) return out + this.stop();
        }
        if (c.finish_reason != null) {
          const rest = this.redactors.get(index)?.flush() ?? '';
          if (this.report.block) return out + this.stop();
          if (rest) prefix += this.released(index, rest);
          prefix += this.flushTools(index);
          if (this.report.block) return out + this.stop();
        }
        if ((holder && holder[field]) || c.finish_reason != null || (d && (d.role || d.tool_calls || d.function_call)) || c.logprobs) empty = false;
      }
      out += prefix;
      if (changed && empty) continue;
      out += changed ? `data: ${JSON.stringify(obj)}\n\n` : block;
    }
    return out;
  }

  end(): string {
    return this.inner.end();
  }
}
