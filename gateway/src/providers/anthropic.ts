/** Anthropic Messages API behind the chat shape, streaming included. Chat only. */
import type { GatewayError } from '../errors';
import { checkLegacyShape, usesLegacyFunctions } from './anthropic-legacy';
import { FINISH, fromAnthropicResponse, toAnthropicRequest } from './anthropic-translate';
import { SseParser, sseData } from './sse';
import type { Operation, PrepareInput, Provider, StreamTranslator, UpstreamCall, Usage } from './types';

export class AnthropicProvider implements Provider {
  readonly kind = 'anthropic' as const;
  readonly origin: string;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;

  constructor(readonly name: string, baseUrl: string, apiKey: string | undefined, version = '2023-06-01') {
    const u = new URL(baseUrl);
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/$/, '');
    this.headers = { 'content-type': 'application/json', 'anthropic-version': version };
    if (apiKey) this.headers['x-api-key'] = apiKey;
  }

  supports(op: Operation): boolean {
    return op === 'chat';
  }

  check(op: Operation, body: Record<string, unknown>): GatewayError | null {
    return op === 'chat' ? checkLegacyShape(body) : null;
  }

  prepare(i: PrepareInput): UpstreamCall {
    return { path: `${this.prefix}/messages`, headers: { ...this.headers }, body: JSON.stringify(toAnthropicRequest(i.body, i.upstreamModel)) };
  }

  response(_op: Operation, body: Buffer, request?: Record<string, unknown>): { body: string; usage: Usage | null } {
    const out = fromAnthropicResponse(JSON.parse(body.toString('utf8')), !!request && usesLegacyFunctions(request));
    return { body: JSON.stringify(out), usage: out.usage };
  }

  stream(_op: Operation, clientWantsUsage: boolean, request?: Record<string, unknown>): StreamTranslator {
    return new AnthropicStream(clientWantsUsage, !!request && usesLegacyFunctions(request));
  }

  errorMessage(body: string): string {
    try {
      const m = JSON.parse(body)?.error?.message;
      if (typeof m === 'string') return m.slice(0, 500);
    } catch {
      // not JSON
    }
    return body.slice(0, 200) || 'upstream error';
  }
}

/**
 * Anthropic's named events → chat.completion.chunk events. In legacy mode a tool_use block
 * becomes `function_call` deltas (name first, then argument pieces) instead of `tool_calls`.
 */
class AnthropicStream implements StreamTranslator {
  usage: Usage | null = null;
  deltas = 0;
  done = false;
  error: string | null = null;
  private readonly parser = new SseParser();
  private id = '';
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private input = 0;
  private output = 0;
  private finish = 'stop';
  private toolIndex = -1;

  constructor(
    private readonly clientWantsUsage: boolean,
    private readonly legacy: boolean,
  ) {}

  private chunk(delta: Record<string, unknown>, finish: string | null = null): string {
    return sseData({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  push(text: string): string {
    let out = '';
    if (this.done || this.error) return out;
    for (const ev of this.parser.push(text)) {
      let d: any;
      try {
        d = JSON.parse(ev.data);
      } catch {
        this.error = 'upstream sent a malformed event stream';
        break;
      }
      switch (d.type) {
        case 'message_start':
          this.id = d.message?.id ?? '';
          this.model = d.message?.model ?? '';
          this.input = Number(d.message?.usage?.input_tokens ?? 0);
          out += this.chunk({ role: 'assistant', content: '' });
          break;
        case 'content_block_start':
          if (d.content_block?.type === 'tool_use') {
            this.toolIndex += 1;
            if (this.legacy) out += this.chunk({ function_call: { name: d.content_block.name, arguments: '' } });
            else out += this.chunk({ tool_calls: [{ index: this.toolIndex, id: d.content_block.id, type: 'function', function: { name: d.content_block.name, arguments: '' } }] });
          }
          break;
        case 'content_block_delta':
          if (d.delta?.type === 'text_delta') {
            this.deltas += 1;
            out += this.chunk({ content: d.delta.text });
          } else if (d.delta?.type === 'input_json_delta') {
            this.deltas += 1;
            if (this.legacy) out += this.chunk({ function_call: { arguments: d.delta.partial_json } });
            else out += this.chunk({ tool_calls: [{ index: this.toolIndex, function: { arguments: d.delta.partial_json } }] });
          }
          break;
        case 'message_delta':
          if (d.delta?.stop_reason) this.finish = FINISH[d.delta.stop_reason] ?? 'stop';
          if (this.legacy && this.finish === 'tool_calls') this.finish = 'function_call';
          if (d.usage?.output_tokens !== undefined) this.output = Number(d.usage.output_tokens);
          break;
        case 'message_stop':
          this.done = true;
          this.usage = { prompt_tokens: this.input, completion_tokens: this.output };
          out += this.chunk({}, this.finish);
          if (this.clientWantsUsage) {
            out += sseData({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: { ...this.usage, total_tokens: this.input + this.output } });
          }
          out += 'data: [DONE]\n\n';
          break;
        case 'error':
          this.error = d.error?.message ?? 'upstream stream error';
          break;
        default:
          break;
      }
      if (this.done || this.error) break;
    }
    return out;
  }

  end(): string {
    if (!this.done && !this.error) this.error = 'upstream ended the stream early';
    return '';
  }
}
