/**
 * One interface for every upstream vendor. A provider turns an OpenAI-shaped request into its
 * wire call and its answers back into OpenAI shapes; the proxy owns connections, retries and
 * accounting, so a provider file is only about translation.
 */
import type { GatewayError } from '../errors';

export type Operation = 'chat' | 'completions' | 'embeddings' | 'images';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface PrepareInput {
  op: Operation;
  body: Record<string, unknown>;
  /** The client's request bytes, forwarded unchanged when no rewrite is needed. */
  raw: Buffer;
  upstreamModel: string;
  /** The upstream model name differs from the one the client sent. */
  rewriteModel: boolean;
  stream: boolean;
  /** The client asked for stream_options.include_usage itself. */
  clientWantsUsage: boolean;
}

export interface UpstreamCall {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface StreamTranslator {
  /** Upstream text in, client SSE text out ('' when nothing is ready yet). */
  push(text: string): string;
  /** Client text to send after the upstream finished cleanly. */
  end(): string;
  usage: Usage | null;
  /** Content deltas seen: the fallback completion count when usage never arrives. */
  deltas: number;
  /** The upstream sent its terminal event. */
  done: boolean;
  /** Set when the upstream stream is broken (malformed SSE, an error event). */
  error: string | null;
}

export interface Provider {
  readonly name: string;
  readonly kind: 'openai_compatible' | 'openai' | 'azure' | 'anthropic';
  /** scheme://host:port, the connection pool key. */
  readonly origin: string;
  supports(op: Operation): boolean;
  /**
   * A request this provider cannot translate faithfully, found before any upstream is called
   * (the inference path asks every target of the model); null when it can.
   */
  check?(op: Operation, body: Record<string, unknown>): GatewayError | null;
  prepare(input: PrepareInput): UpstreamCall;
  /** Non-streaming 200 body → client bytes and usage; `request` is the client's parsed body. */
  response(op: Operation, body: Buffer, request?: Record<string, unknown>): { body: Buffer | string; usage: Usage | null };
  stream(op: Operation, clientWantsUsage: boolean, request?: Record<string, unknown>): StreamTranslator;
  /** Best-effort human message out of an upstream error body. */
  errorMessage(body: string): string;
}
