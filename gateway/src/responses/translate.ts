/**
 * OpenAI Responses API (text) on top of the chat path: the request becomes a chat request (so
 * routing, limits, guardrails, cache and every provider apply unchanged), and the chat answer
 * becomes a `response` object, or for streams the `response.*` event sequence.
 */
import { randomBytes } from 'node:crypto';
import type { StreamTranslator, Usage } from '../providers/types';
import type { AnswerShape } from '../proxy/types';

type Json = Record<string, any>;

function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  let s = '';
  for (const p of content as Json[]) s += typeof p.text === 'string' ? p.text : '';
  return s;
}

/** Responses request → chat request body. The route schema already rejected non-text input. */
export function toChatBody(req: Json): Json {
  const messages: Json[] = [];
  if (typeof req.instructions === 'string' && req.instructions) messages.push({ role: 'system', content: req.instructions });
  if (typeof req.input === 'string') messages.push({ role: 'user', content: req.input });
  else for (const item of req.input as Json[]) messages.push({ role: item.role, content: partsText(item.content) });
  const body: Json = { model: req.model, messages };
  if (req.max_output_tokens != null) body.max_tokens = req.max_output_tokens;
  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.top_p = req.top_p;
  if (typeof req.user === 'string') body.user = req.user;
  const f = req.text?.format;
  if (f?.type === 'json_object') body.response_format = { type: 'json_object' };
  else if (f?.type === 'json_schema') body.response_format = { type: 'json_schema', json_schema: { name: f.name ?? 'response', schema: f.schema ?? {}, strict: f.strict ?? null } };
  if (req.stream === true) {
    body.stream = true;
    // The response.completed event carries usage, so ask for the usage chunk ourselves.
    body.stream_options = { include_usage: true };
  }
  return body;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function usageOf(u: Usage | null | undefined) {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output };
}

/** The request-derived fields every response object repeats. */
function envelope(req: Json, respId: string, created: number): Json {
  return {
    id: respId,
    object: 'response',
    created_at: created,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: req.model,
    output: [] as Json[],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    temperature: req.temperature ?? null,
    text: { format: req.text?.format ?? { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: req.top_p ?? null,
    truncation: 'disabled',
    usage: null as Json | null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

function finish(env: Json, msgId: string, text: string, finishReason: string | null, usage: Usage | null): Json {
  const incomplete = finishReason === 'length';
  return {
    ...env,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: [{ type: 'message', id: msgId, status: incomplete ? 'incomplete' : 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }],
    usage: usageOf(usage),
  };
}

export function responsesShape(req: Json): AnswerShape {
  return {
    unary(body: Buffer | string): string {
      const chat = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as Json;
      const choice = chat.choices?.[0] ?? {};
      const text = typeof choice.message?.content === 'string' ? choice.message.content : '';
      const env = envelope(req, id('resp'), chat.created ?? Math.floor(Date.now() / 1000));
      return JSON.stringify(finish(env, id('msg'), text, choice.finish_reason ?? null, chat.usage ?? null));
    },
    stream(inner: StreamTranslator): StreamTranslator {
      return new ResponsesStream(inner, req);
    },
  };
}

/** chat.completion.chunk events in, Responses streaming events out. */
class ResponsesStream implements StreamTranslator {
  private started = false;
  private seq = 0;
  private text = '';
  private finishReason: string | null = null;
  private chunkUsage: Usage | null = null;
  private readonly env: Json;
  private readonly msgId = id('msg');

  constructor(private readonly inner: StreamTranslator, req: Json) {
    this.env = envelope(req, id('resp'), Math.floor(Date.now() / 1000));
  }

  get usage(): Usage | null {
    return this.inner.usage;
  }
  get deltas(): number {
    return this.inner.deltas;
  }
  get done(): boolean {
    return this.inner.done;
  }
  get error(): string | null {
    return this.inner.error;
  }
  set error(e: string | null) {
    this.inner.error = e;
  }

  private ev(type: string, fields: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...fields })}\n\n`;
  }

  private start(): string {
    this.started = true;
    const item = { type: 'message', id: this.msgId, status: 'in_progress', role: 'assistant', content: [] };
    return (
      this.ev('response.created', { response: this.env }) +
      this.ev('response.in_progress', { response: this.env }) +
      this.ev('response.output_item.added', { output_index: 0, item }) +
      this.ev('response.content_part.added', { item_id: this.msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } })
    );
  }

  private complete(): string {
    const final = finish(this.env, this.msgId, this.text, this.finishReason, this.chunkUsage ?? this.inner.usage);
    const part = final.output[0].content[0];
    return (
      this.ev('response.output_text.done', { item_id: this.msgId, output_index: 0, content_index: 0, text: this.text, logprobs: [] }) +
      this.ev('response.content_part.done', { item_id: this.msgId, output_index: 0, content_index: 0, part }) +
      this.ev('response.output_item.done', { output_index: 0, item: final.output[0] }) +
      this.ev(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final })
    );
  }

  push(text: string): string {
    const src = this.inner.push(text);
    if (!src) return '';
    let out = this.started ? '' : this.start();
    for (const block of src.split('\n\n')) {
      // Comments (the guardrail report, stream-report.ts) pass through; SSE parsers skip them.
      if (block.startsWith(':')) {
        out += `${block}\n\n`;
        continue;
      }
      if (!block.startsWith('data: ')) continue;
      const data = block.slice(6);
      if (data === '[DONE]') {
        out += this.complete();
        continue;
      }
      let obj: Json;
      try {
        obj = JSON.parse(data);
      } catch {
        continue;
      }
      if (obj.error) {
        out += this.ev('error', { code: obj.error.code ?? null, message: obj.error.message ?? 'error', param: obj.error.param ?? null });
        continue;
      }
      if (obj.usage) this.chunkUsage = { prompt_tokens: Number(obj.usage.prompt_tokens) || 0, completion_tokens: Number(obj.usage.completion_tokens) || 0 };
      const c = obj.choices?.[0];
      if (!c) continue;
      const delta = c.delta?.content;
      if (typeof delta === 'string' && delta) {
        this.text += delta;
        out += this.ev('response.output_text.delta', { item_id: this.msgId, output_index: 0, content_index: 0, delta, logprobs: [] });
      }
      if (c.finish_reason) this.finishReason = c.finish_reason;
    }
    return out;
  }

  end(): string {
    return this.inner.end();
  }
}
