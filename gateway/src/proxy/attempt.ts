/**
 * One try against one target. Non-streaming answers are buffered and handed back; streams are
 * written to the client as they arrive, and once the first byte is out the attempt can no
 * longer fail over: a broken stream ends with an SSE error event, never a silent retry.
 */
import { GatewayError } from '../errors';
import type { Usage } from '../providers/types';
import type { Target } from '../runtime';
import { classifyStatus, classifyThrown, ERROR_BODY_LIMIT, isTimeout } from './classify';
import { streamAttempt } from './stream-pump';
import type { AttemptResult, Call } from './types';
import { unaryRequest } from './unary-request';

export interface AttemptOptions {
  timeoutMs: number;
  /** Called once with the client bytes and headers for a successful non-streaming answer. */
  /** May return a promise (a shared budget being settled) that the attempt waits for. */
  deliver: (body: Buffer | string, upstreamMs: number, usage: Usage | null) => void | Promise<void>;
  /** Writes stream headers. Called right before the first client byte. */
  startStream: (upstreamMs: number) => void;
}

// Not async itself: an async wrapper around the chosen attempt would add a promise and ticks per request.
export function attempt(call: Call, target: Target, o: AttemptOptions): Promise<AttemptResult> {
  return call.stream ? attemptStream(call, target, o) : attemptUnary(call, target, o);
}

function prepare(call: Call, target: Target) {
  const prepared = target.provider.prepare({ op: call.op, body: call.body, raw: call.raw, upstreamModel: target.upstreamModel, rewriteModel: target.rewriteModel, stream: call.stream, clientWantsUsage: call.clientWantsUsage });
  prepared.headers.traceparent = call.trace.header;
  if (call.tracestate !== null) prepared.headers.tracestate = call.tracestate;
  return prepared;
}

/**
 * Non-streaming: the pool's inactivity timeouts bound the attempt (the H1 pool's for plain-http
 * origins, undici's header/body timeouts for TLS ones), so the hot path allocates no
 * AbortController or timer. A client that leaves early lets this finish (bounded by the timeout).
 */
async function attemptUnary(call: Call, target: Target, o: AttemptOptions): Promise<AttemptResult> {
  const prepared = prepare(call, target);
  const started = performance.now();
  target.state.outstanding += 1;
  try {
    const res = target.h1
      ? await target.h1.request({ path: prepared.path, headers: prepared.headers, body: prepared.body, timeoutMs: o.timeoutMs })
      : await unaryRequest(target.pool, { path: prepared.path, method: 'POST', headers: prepared.headers, body: prepared.body, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
    if (res.status !== 200) {
      return classifyStatus(target.provider, res.status, res.body.toString('utf8', 0, ERROR_BODY_LIMIT), res.retryAfter, performance.now() - started);
    }
    const buf = res.body;
    const upstreamMs = performance.now() - started;
    let out;
    try {
      out = target.provider.response(call.op, buf, call.body);
    } catch {
      return { kind: 'fail', error: new GatewayError('upstream_error', `${target.provider.name}: unreadable response body`), retryable: true, breakerFailure: true, upstreamMs };
    }
    const delivering = o.deliver(out.body, upstreamMs, out.usage);
    if (delivering) await delivering;
    return { kind: 'done', usage: out.usage, deltas: 0, upstreamMs, status: 200, aborted: false };
  } catch (err) {
    return classifyThrown(target.provider, err, isTimeout(err), performance.now() - started);
  } finally {
    target.state.outstanding -= 1;
  }
}

function attemptStream(call: Call, target: Target, o: AttemptOptions): Promise<AttemptResult> {
  const prepared = prepare(call, target);
  target.state.outstanding += 1;
  return streamAttempt(call, target, { path: prepared.path, headers: prepared.headers, body: prepared.body, timeoutMs: o.timeoutMs, startStream: o.startStream }).finally(() => {
    target.state.outstanding -= 1;
  });
}
