/** What one inference request carries through the proxy. */
import type { ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal';
import type { GatewayError } from '../errors';
import type { Admission } from '../limits/limiter';
import type { Operation, Usage } from '../providers/types';
import type { ModelRoute, Runtime, Target } from '../runtime';
import type { TraceContext } from '../observability/trace';
import type { Span } from '../observability/otel';
import type { BodyCapture } from '../observability/body-log';
import type { GuardrailProfile, ScanReport } from '../guardrails/engine';
import type { StreamTranslator } from '../providers/types';

/** Reshapes the chat answer for another public API (e.g. /v1/responses); null fields pass through. */
export interface AnswerShape {
  unary(body: Buffer | string): string;
  stream(inner: StreamTranslator): StreamTranslator;
}

export interface Call {
  runtime: Runtime;
  route: ModelRoute;
  op: Operation;
  /** Metrics label: the route path. */
  routeLabel: string;
  principal: Principal;
  admission: Admission;
  trace: TraceContext;
  /** The request's OpenTelemetry span; null when tracing is off. */
  span: Span | null;
  /** The caller's W3C tracestate, passed upstream unchanged (validated printable, <= 512 chars). */
  tracestate: string | null;
  body: Record<string, unknown>;
  raw: Buffer;
  stream: boolean;
  clientWantsUsage: boolean;
  /** performance.now() when the request arrived. */
  t0: number;
  res: ServerResponse;
  /** Fires when the client goes away before the answer finished. */
  clientGone: AbortSignal;
  /** The project's guardrail profile and what it did so far; null when the project has none. */
  guard: { profile: GuardrailProfile; report: ScanReport } | null;
  /** Set on a cache miss of a cacheable request: the answer is stored under it. */
  cacheKey: string | null;
  shape: AnswerShape | null;
  /**
   * Async rework of a successful non-streaming answer before it is written (images: store them,
   * answer with signed URLs). A GatewayError it throws becomes the client's error; the upstream
   * attempt still counts as a success (no retry: the runtime did its work).
   */
  finish: ((body: Buffer | string) => Promise<string>) | null;
  /** What the client was sent, for projects that opted into body logging; null for everyone else. */
  capture: BodyCapture | null;
}

export type AttemptResult =
  | { kind: 'done'; usage: Usage | null; deltas: number; upstreamMs: number; status: number; aborted: boolean; brokenStream?: boolean }
  | { kind: 'fail'; error: GatewayError; retryable: boolean; breakerFailure: boolean; upstreamMs: number };

export interface Outcome {
  /** Limits and budgets were already settled before the answer was written. */
  settled: boolean;
  status: number;
  target: Target | null;
  usage: Usage | null;
  deltas: number;
  upstreamMs: number;
  aborted: boolean;
  errorCode: string | null;
  /** Answered from the response cache. */
  cached?: boolean;
}
