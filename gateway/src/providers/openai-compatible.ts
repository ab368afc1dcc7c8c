/**
 * OpenAI-compatible upstreams: vLLM, SGLang, llama.cpp server, private endpoints, and OpenAI
 * itself. Request and response bytes pass through unchanged unless the model name must be
 * rewritten or usage must be requested for accounting on a stream.
 */
import { extractUsage, SseParser } from './sse';
import type { Operation, PrepareInput, Provider, StreamTranslator, UpstreamCall, Usage } from './types';

const PATHS: Record<Operation, string> = { chat: '/chat/completions', completions: '/completions', embeddings: '/embeddings', images: '/images/generations' };

export interface OpenAICompatibleOptions {
  name: string;
  kind?: 'openai_compatible' | 'openai';
  baseUrl: string;
  apiKey: string | undefined;
}

export function upstreamErrorMessage(body: string): string {
  try {
    const j = JSON.parse(body);
    const m = j?.error?.message ?? j?.message ?? j?.detail;
    if (typeof m === 'string') return m.slice(0, 500);
  } catch {
    // not JSON
  }
  return body.slice(0, 200) || 'upstream error';
}

export class OpenAICompatibleProvider implements Provider {
  readonly name: string;
  readonly kind: 'openai_compatible' | 'openai';
  readonly origin: string;
  private readonly prefix: string;
  private readonly baseHeaders: Record<string, string>;

  constructor(o: OpenAICompatibleOptions) {
    const u = new URL(o.baseUrl);
    this.name = o.name;
    this.kind = o.kind ?? 'openai_compatible';
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/$/, '');
    this.baseHeaders = { 'content-type': 'application/json' };
    if (o.apiKey) this.baseHeaders.authorization = `Bearer ${o.apiKey}`;
  }

  supports(): boolean {
    return true;
  }

  prepare(i: PrepareInput): UpstreamCall {
    const forceUsage = i.stream && !i.clientWantsUsage && (i.op === 'chat' || i.op === 'completions');
    let body: string | Buffer = i.raw;
    if (i.rewriteModel || forceUsage) {
      const b: Record<string, unknown> = { ...i.body, model: i.upstreamModel };
      if (forceUsage) b.stream_options = { ...(i.body.stream_options as object | undefined), include_usage: true };
      body = JSON.stringify(b);
    }
    return { path: this.prefix + PATHS[i.op], headers: { ...this.baseHeaders }, body };
  }

  response(_op: Operation, body: Buffer): { body: Buffer; usage: Usage | null } {
    return { body, usage: extractUsage(body) };
  }

  stream(_op: Operation, clientWantsUsage: boolean): StreamTranslator {
    return new PassthroughStream(clientWantsUsage);
  }

  errorMessage(body: string): string {
    return upstreamErrorMessage(body);
  }
}

/** Forwards each event's bytes as they came; parses them only to account and to detect breakage. */
class PassthroughStream implements StreamTranslator {
  usage: Usage | null = null;
  deltas = 0;
  done = false;
  error: string | null = null;
  private readonly parser = new SseParser();

  constructor(private readonly clientWantsUsage: boolean) {}

  push(text: string): string {
    let out = '';
    if (this.error || this.done) return out;
    for (const ev of this.parser.push(text)) {
      if (ev.data === '[DONE]') {
        this.done = true;
        out += 'data: [DONE]\n\n';
        break;
      }
      let obj: { usage?: Usage | null; choices?: { delta?: { content?: unknown }; text?: unknown }[]; error?: { message?: string } };
      try {
        obj = JSON.parse(ev.data);
      } catch {
        this.error = 'upstream sent a malformed event stream';
        break;
      }
      if (obj.error) {
        this.error = typeof obj.error.message === 'string' ? obj.error.message : 'upstream stream error';
        break;
      }
      if (obj.usage) this.usage = { prompt_tokens: Number(obj.usage.prompt_tokens) || 0, completion_tokens: Number(obj.usage.completion_tokens) || 0 };
      const c = obj.choices?.[0];
      if (c && (c.delta?.content || c.text)) this.deltas += 1;
      // The usage-only chunk was requested by us, not by the client: do not show it to them.
      if (!this.clientWantsUsage && obj.choices?.length === 0) continue;
      out += `data: ${ev.data}\n\n`;
    }
    return out;
  }

  end(): string {
    if (!this.done && !this.error) this.error = 'upstream ended the stream early';
    return '';
  }
}
