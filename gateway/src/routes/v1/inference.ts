/**
 * The shared thin handler behind chat, completions, embeddings and responses: resolve the model
 * the caller may use, apply the project's input guardrails, admit against limits, answer from the
 * response cache when it can, hand over to the proxy.
 */
import { mayUseModel } from '../../auth/principal';
import { cacheKey } from '../../cache/response-cache';
import { GatewayError } from '../../errors';
import { blockedError, guardInput, ScanReport } from '../../guardrails/engine';
import { GUARDRAIL_HEADER } from '../../guardrails/report';
import type { Exchange } from '../../http/exchange';
import { overheadMs, writeError } from '../../http/reply';
import { BodyCapture } from '../../observability/body-log';
import { Tracing, type Span } from '../../observability/otel';
import { continueTrace, type TraceContext } from '../../observability/trace';
import type { Operation } from '../../providers/types';
import { account, logRefusal, type Refusal } from '../../proxy/account';
import { forward } from '../../proxy/forward';
import type { AnswerShape, Call } from '../../proxy/types';
import type { Services } from '../../services';

const NEVER = new AbortController().signal;

export interface InferenceInput {
  op: Operation;
  routeLabel: string;
  body: Record<string, unknown>;
  /** The bytes to forward when nothing rewrites the body. */
  raw: Buffer;
  shape: AnswerShape | null;
  finish?: Call['finish'];
}

/** A request refused before any upstream call: its span (if tracing) and its access-log line. */
function refuse(svc: Services, span: Span | null, r: Refusal): void {
  if (span) Tracing.endRequest(span, { status: r.status, errorCode: r.code });
  logRefusal(svc, r);
}

const TRACESTATE = /^[\x20-\x7e]{1,512}$/;
function tracestateOf(h: string | string[] | undefined): string | null {
  return typeof h === 'string' && TRACESTATE.test(h) ? h : null;
}

/**
 * The pipeline's entry for both front doors. It never rejects: a bug becomes a 500 in OpenAI's
 * shape (as fastify's error handler would have made it), or a cut connection once bytes are out.
 */
export function serveInference(ex: Exchange, svc: Services, input: InferenceInput): Promise<void> {
  return runInference(ex, svc, input).catch((err: unknown) => {
    svc.metrics.error('internal_error');
    if (ex.res.headersSent) ex.res.destroy(err instanceof Error ? err : undefined);
    else writeError(ex.res, new GatewayError('internal_error', 'internal error', { cause: err }));
  });
}

async function runInference(ex: Exchange, svc: Services, input: InferenceInput): Promise<void> {
  const { op, routeLabel, body } = input;
  const rt = ex.runtime;
  const principal = ex.principal;
  const t0 = ex.t0;
  const model = body.model as string;
  let span: Span | null = null;
  let trace: TraceContext;
  if (svc.tracing) {
    ({ span, trace } = svc.tracing.startRequest(routeLabel, t0, ex.headers.traceparent, { 'gen_ai.request.model': model.slice(0, 256), 'foundry.project': principal.project, 'foundry.key_id': principal.id }));
  } else trace = continueTrace(ex.headers.traceparent);
  const route = rt.models.get(model);
  if (!route || !mayUseModel(principal, model)) {
    svc.metrics.error('model_not_found');
    refuse(svc, span, { route: routeLabel, model, principal, status: 404, code: 'model_not_found', traceId: trace.traceId, t0: t0 });
    return writeError(ex.res, new GatewayError('model_not_found', `The model \`${model.slice(0, 256)}\` does not exist or you do not have access to it.`, { param: 'model' }));
  }
  if (!route.operations.has(op)) {
    refuse(svc, span, { route: routeLabel, model, principal, status: 400, code: 'invalid_request', traceId: trace.traceId, t0: t0 });
    return writeError(ex.res, new GatewayError('invalid_request', `The model \`${model}\` does not support ${routeLabel}.`, { param: 'model' }));
  }
  // Any target may end up serving this request, so each one that translates it gets to refuse it now.
  for (const t of route.targets) {
    const problem = t.provider.check?.(op, body);
    if (problem) {
      svc.metrics.error(problem.code);
      refuse(svc, span, { route: routeLabel, model, principal, status: problem.status, code: problem.code, traceId: trace.traceId, t0: t0 });
      return writeError(ex.res, problem);
    }
  }
  // Input guardrails run before admission: a blocked request reaches neither limits nor upstream.
  let raw = input.raw;
  let guard: Call['guard'] = null;
  const profile = rt.guardrails.size === 0 ? undefined : rt.guardrails.get(principal.project);
  if (profile) {
    const report = new ScanReport();
    if (guardInput(profile, body, report)) raw = Buffer.from(JSON.stringify(body));
    if (report.block) {
      for (const h of report.hits) svc.metrics.guardrailAction(principal.project, profile.name, h.rule, h.action, h.direction, h.count);
      svc.metrics.error('guardrail_blocked');
      svc.metrics.request(routeLabel, model, principal.project, 400);
      refuse(svc, span, { route: routeLabel, model, principal, status: 400, code: 'guardrail_blocked', traceId: trace.traceId, t0: t0 });
      return writeError(ex.res, blockedError(profile.name, report.block), [GUARDRAIL_HEADER, report.header()]);
    }
    guard = { profile, report };
  }
  let admission = rt.limiter.admit(principal, model);
  if (admission instanceof Promise) {
    try {
      admission = await admission;
    } catch {
      // A limits backend outage must not take inference down with it: fail open, loudly.
      svc.metrics.error('internal_error');
      admission = { plan: rt.limiter.plan(principal, model), headers: [] };
    }
  }
  if (admission instanceof GatewayError) {
    svc.metrics.error(admission.code);
    svc.metrics.request(routeLabel, model, principal.project, 429);
    refuse(svc, span, { route: routeLabel, model, principal, status: 429, code: admission.code, traceId: trace.traceId, t0: t0 });
    return writeError(ex.res, admission, (admission as GatewayError & { headers?: string[] }).headers);
  }
  const res = ex.res;
  const stream = body.stream === true && (op === 'chat' || op === 'completions');
  // Only streams watch for a vanishing client: a unary answer is bounded by its timeout anyway,
  // and skipping the AbortController and listener matters at tens of thousands of requests/s.
  let gone = NEVER;
  if (stream) {
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    gone = ac.signal;
  }
  const call: Call = {
    runtime: rt,
    route,
    op,
    routeLabel,
    principal,
    admission,
    trace,
    span,
    tracestate: tracestateOf(ex.headers.tracestate),
    body,
    raw,
    stream,
    clientWantsUsage: (body.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage === true,
    t0: t0,
    res,
    clientGone: gone,
    guard,
    cacheKey: null,
    shape: input.shape,
    finish: input.finish ?? null,
    capture: rt.logBodies.size !== 0 && rt.logBodies.has(principal.project) ? new BodyCapture(rt.config.server.access_log_body_max_chars) : null,
  };
  // Image answers are not cached: their signed URLs expire, and each request should be its own images.
  if (route.cache && !stream && op !== 'images') {
    const key = cacheKey(principal.project, op, body);
    const hit = route.cache.get(key);
    svc.metrics.cacheLookup(model, hit !== null);
    if (hit) {
      // A hit is a request like any other for limits and budgets: it was admitted above and its
      // tokens are settled here, so a cache never turns into a way around a budget.
      if (hit.usage) {
        const s = rt.limiter.settle(admission.plan, hit.usage.prompt_tokens + hit.usage.completion_tokens);
        if (s) await s.catch(() => undefined);
      }
      const out = call.shape ? call.shape.unary(hit.body) : hit.body;
      const h = ['content-type', 'application/json', 'content-length', String(typeof out === 'string' ? Buffer.byteLength(out) : out.length), 'x-foundry-trace-id', call.trace.traceId, 'x-foundry-overhead-ms', overheadMs(call.t0, 0), 'x-foundry-cache', 'hit'];
      const g = [guard?.report.header('input'), hit.guardrail].filter(Boolean).join(', ');
      if (g) h.push(GUARDRAIL_HEADER, g);
      const rl = admission.headers;
      for (let i = 0; i < rl.length; i++) h.push(rl[i]!);
      res.writeHead(200, h);
      res.end(out);
      call.capture?.add(out);
      account(call, svc, { settled: true, status: 200, target: null, usage: hit.usage, deltas: 0, upstreamMs: 0, aborted: false, errorCode: null, cached: true });
      return;
    }
    call.cacheKey = key;
  }
  await forward(call, svc);
}
