/**
 * The fallback chain: try targets in router order within max_attempts, the retry budget, the
 * breakers and the total deadline; answer with the first success, or with every failure in order.
 */
import { GatewayError, toOpenAIError } from '../errors';
import { blockedError, guardOutput } from '../guardrails/engine';
import { GUARDRAIL_HEADER } from '../guardrails/report';
import { declaresTrailer } from '../guardrails/stream-report';
import { overheadMs, writeError } from '../http/reply';
import type { Services } from '../services';
import type { Usage } from '../providers/types';
import type { Target } from '../runtime';
import { Tracing } from '../observability/otel';
import { account } from './account';
import { attempt } from './attempt';
import type { AttemptResult, Call } from './types';

function prefixOf(body: Record<string, unknown>, chars: number): string {
  const msgs = body.messages;
  if (Array.isArray(msgs)) {
    let s = '';
    for (const m of msgs) {
      const c = (m as { content?: unknown })?.content;
      s += typeof c === 'string' ? c : JSON.stringify(c ?? '');
      if (s.length >= chars) break;
    }
    return s.slice(0, chars);
  }
  const p = body.prompt ?? body.input;
  return (typeof p === 'string' ? p : JSON.stringify(p ?? '')).slice(0, chars);
}

function combine(failures: GatewayError[]): GatewayError {
  if (failures.length === 0) return new GatewayError('no_healthy_upstream', 'No healthy upstream is available for this model.');
  const last = failures[failures.length - 1]!;
  if (failures.length === 1) return last;
  const msg = `All ${failures.length} upstream attempts failed: ${failures.map((f) => f.message).join('; ')}`;
  return new GatewayError(last.code, msg, { retryAfterS: last.retryAfterS, status: last.statusOverride });
}

export async function forward(call: Call, svc: Services): Promise<void> {
  const { route } = call;
  const cfg = route.config;
  route.retryBudget.deposit();
  const deadline = call.t0 + cfg.total_timeout_ms;
  const order = route.router.order(cfg.strategy === 'prefix_affinity' ? prefixOf(call.body, cfg.prefix_chars) : '');
  const failures: GatewayError[] = [];
  const rl = call.admission.headers;
  let spent = 0;
  let tries = 0;
  let result: AttemptResult | null = null;
  let used: Target | null = null;
  let settled = false;

  let status = 200;
  let finishError: string | null = null;
  const deliver = (body: Buffer | string, upstreamMs: number, usage: Usage | null): void | Promise<void> => {
    if (!call.finish) return complete(body, upstreamMs, usage);
    return call.finish(body).then(
      (out) => complete(out, upstreamMs, usage),
      (err: unknown) => {
        const e = err instanceof GatewayError ? err : new GatewayError('internal_error', 'internal error', { cause: err });
        svc.metrics.error(e.code);
        status = e.status;
        finishError = e.code;
        const shown = e.code === 'internal_error' ? new GatewayError('internal_error', 'The server had an error while processing your request.') : e;
        return complete(JSON.stringify(toOpenAIError(shown)), upstreamMs, usage);
      },
    );
  };
  const complete = (body: Buffer | string, upstreamMs: number, usage: Usage | null): void | Promise<void> => {
    const g = call.guard;
    if (g && (call.op === 'chat' || call.op === 'completions') && status === 200) {
      const out = guardOutput(g.profile, body, g.report);
      if (g.report.block) {
        // The upstream did the work, so its usage is still settled below; the client gets a 400.
        status = 400;
        body = JSON.stringify(toOpenAIError(blockedError(g.profile.name, g.report.block)));
      } else if (out !== null) body = out;
    }
    if (call.cacheKey && status === 200) route.cache!.set(call.cacheKey, { body, usage, guardrail: call.guard?.report.header('output') ?? '' });
    // Settle before answering: the caller's next request, on any replica, must see this usage.
    if (usage) {
      settled = true;
      const s = call.runtime.limiter.settle(call.admission.plan, usage.prompt_tokens + usage.completion_tokens);
      if (s) return s.then(() => write(body, upstreamMs));
    }
    write(body, upstreamMs);
  };
  const write = (body: Buffer | string, upstreamMs: number) => {
    if (call.shape && status === 200) body = call.shape.unary(body);
    const h = ['content-type', 'application/json', 'content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.length), 'x-foundry-trace-id', call.trace.traceId, 'x-foundry-overhead-ms', overheadMs(call.t0, spent + upstreamMs)];
    if (call.cacheKey) h.push('x-foundry-cache', 'miss');
    if (call.guard && call.guard.report.hits.length) h.push(GUARDRAIL_HEADER, call.guard.report.header());
    for (let i = 0; i < rl.length; i++) h.push(rl[i]!);
    call.res.writeHead(status, h);
    call.res.end(body);
    call.capture?.add(body);
  };
  const startStream = (upstreamMs: number) => {
    const headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-foundry-trace-id': call.trace.traceId, 'x-foundry-overhead-ms': overheadMs(call.t0, spent + upstreamMs) };
    for (let i = 0; i < rl.length; i += 2) headers[rl[i]!] = rl[i + 1]!;
    // Input actions only: output redactions on a stream happen after the headers are gone, so the
    // whole report follows as a trailer and an SSE comment (guardrails/stream-report.ts).
    if (call.guard && call.guard.report.hits.length) headers[GUARDRAIL_HEADER] = call.guard.report.header();
    if (call.guard && declaresTrailer(call.res, call.guard.profile)) headers.trailer = GUARDRAIL_HEADER;
    call.res.writeHead(200, headers);
    svc.streams.add(call.res);
    svc.metrics.firstToken(route.name, (performance.now() - call.t0) / 1000);
  };

  for (const t of order) {
    // A chain may mix providers (a chat-only Anthropic fallback behind a vLLM that also embeds):
    // a target that cannot serve the request is not an attempt, and spends no retry budget.
    if (!t.provider.supports(call.op)) continue;
    if (tries >= cfg.max_attempts || call.clientGone.aborted) break;
    const left = deadline - performance.now();
    if (left <= 0) {
      failures.push(new GatewayError('upstream_timeout', 'total timeout reached'));
      break;
    }
    if (tries > 0 && !route.retryBudget.withdraw()) break;
    if (!t.state.breaker.allow(Date.now())) continue;
    tries += 1;
    const aspan = call.span && svc.tracing ? svc.tracing.startAttempt(call.span, t.id, t.provider.origin) : null;
    if (aspan) call.trace.header = aspan.header;
    const r = await attempt(call, t, { timeoutMs: Math.min(cfg.attempt_timeout_ms, left), deliver, startStream });
    if (aspan) Tracing.endAttempt(aspan.span, r.kind === 'done' ? (r.aborted ? 'client_gone' : r.brokenStream ? 'broken_stream' : 'ok') : r.error.code, r.kind === 'done' ? r.status : null);
    t.state.observe(r.upstreamMs, Date.now());
    if (r.kind === 'done') {
      if (r.brokenStream) t.state.breaker.failure(Date.now());
      else if (!r.aborted) t.state.breaker.success();
      svc.metrics.attempt(t.id, r.aborted ? 'client_gone' : r.brokenStream ? 'broken_stream' : 'ok');
      result = r;
      used = t;
      break;
    }
    spent += r.upstreamMs;
    if (r.breakerFailure) t.state.breaker.failure(Date.now());
    else t.state.breaker.success();
    svc.metrics.attempt(t.id, r.error.code);
    failures.push(r.error);
    if (!r.retryable) break;
  }

  if (result && result.kind === 'done') {
    svc.streams.delete(call.res);
    account(call, svc, { settled, status: result.status === 200 ? status : result.status, target: used, usage: result.usage, deltas: result.deltas, upstreamMs: spent + result.upstreamMs, aborted: result.aborted, errorCode: result.brokenStream ? 'upstream_error' : finishError });
    return;
  }
  const err = combine(failures);
  if (!call.clientGone.aborted) {
    const h = ['x-foundry-trace-id', call.trace.traceId, 'x-foundry-overhead-ms', overheadMs(call.t0, spent)];
    if (call.guard && call.guard.report.hits.length) h.push(GUARDRAIL_HEADER, call.guard.report.header());
    for (let i = 0; i < rl.length; i++) h.push(rl[i]!);
    writeError(call.res, err, h);
    call.capture?.add(JSON.stringify(toOpenAIError(err)));
  }
  svc.metrics.error(err.code);
  account(call, svc, { settled: false, status: call.clientGone.aborted ? 499 : err.status, target: used, usage: null, deltas: 0, upstreamMs: spent, aborted: call.clientGone.aborted, errorCode: err.code });
}
