/**
 * After every inference request, successful or not: settle limits and budgets with real usage,
 * count metrics, append a usage event and an access-log line. Nothing here may throw or block.
 */
import type { Principal } from '../auth/principal';
import { redactForLog } from '../observability/body-log';
import { Tracing } from '../observability/otel';
import type { Services } from '../services';
import type { Call, Outcome } from './types';

function estimatePromptTokens(body: Record<string, unknown>): number {
  const msgs = body.messages;
  let chars = 0;
  if (Array.isArray(msgs)) {
    for (const m of msgs) {
      const c = (m as { content?: unknown })?.content;
      chars += typeof c === 'string' ? c.length : JSON.stringify(c ?? '').length;
    }
  } else {
    const p = body.prompt ?? body.input;
    chars = typeof p === 'string' ? p.length : JSON.stringify(p ?? '').length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

export function account(call: Call, svc: Services, o: Outcome): void {
  let input = 0;
  let output = 0;
  if (o.usage) {
    input = o.usage.prompt_tokens;
    output = o.usage.completion_tokens;
  } else if (o.aborted || o.deltas > 0 || o.status === 200) {
    // The upstream never reported usage (client left, stream broke): bill what was produced.
    input = estimatePromptTokens(call.body);
    output = o.deltas;
  }
  const p = call.principal;
  if (!o.settled) {
    const s = call.runtime.limiter.settle(call.admission.plan, input + output);
    if (s) s.catch(() => undefined);
  }
  const totalMs = performance.now() - call.t0;
  const m = svc.metrics;
  m.request(call.routeLabel, call.route.name, p.project, o.status);
  m.durations(call.routeLabel, call.route.name, totalMs / 1000, o.upstreamMs / 1000);
  m.tokensUsed(p.project, call.route.name, p.id, input, output);
  svc.usage.push({
    at_ms: Date.now(),
    project: p.project,
    key: p.id,
    model: call.route.name,
    target: o.target?.id ?? null,
    prompt_tokens: input,
    completion_tokens: output,
    status: o.status,
    stream: call.stream,
    duration_ms: Math.round(totalMs * 1000) / 1000,
    aborted: o.aborted,
    cached: o.cached === true,
  });
  if (call.span) {
    Tracing.endRequest(call.span, {
      status: o.status,
      errorCode: o.errorCode ?? (o.aborted ? 'client_gone' : null),
      attributes: { 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, 'foundry.target': o.target?.id ?? '', 'foundry.stream': call.stream, 'foundry.cached': o.cached === true },
    });
  }
  const g = call.guard;
  if (g && g.report.hits.length) {
    for (const h of g.report.hits) m.guardrailAction(p.project, g.profile.name, h.rule, h.action, h.direction, h.count);
  }
  // One JSON.stringify; on stdout the write happens off this tick, in batches.
  const log = svc.accessLog;
  if (!log) return;
  const line: Record<string, unknown> = {
    route: call.routeLabel,
    status: o.status,
    model: call.route.name,
    project: p.project,
    key: p.id,
    target: o.target?.id,
    ms: Math.round(totalMs * 100) / 100,
    upstream_ms: Math.round(o.upstreamMs * 100) / 100,
    tokens_in: input,
    tokens_out: output,
    trace_id: call.trace.traceId,
    error: o.errorCode ?? undefined,
    aborted: o.aborted || undefined,
  };
  // Only requests that met a cache or a guardrail get the extra fields: the common line keeps its shape.
  if (call.cacheKey || o.cached) line.cache = o.cached ? 'hit' : 'miss';
  if (g && g.report.hits.length) line.guardrail = g.report.header();
  if (call.capture) {
    // Only projects with log_bodies get here; the copy is redacted and capped (observability/body-log.ts).
    const max = call.runtime.config.server.access_log_body_max_chars;
    line.request_body = redactForLog(call.raw.toString('utf8', 0, Math.min(call.raw.length, max * 4)), max);
    line.response_body = call.capture.text();
  }
  log.write(line);
}

export interface Refusal {
  route: string;
  model: string;
  principal: Principal;
  status: number;
  code: string;
  traceId: string;
  t0: number;
}

/**
 * The access-log line of a request refused before any upstream call (unknown model, guardrail
 * block, rate limit). Never with a body, whatever the project chose: a blocked prompt was blocked
 * for what it contains.
 */
export function logRefusal(svc: Services, r: Refusal): void {
  svc.accessLog?.write({ route: r.route, status: r.status, model: r.model.slice(0, 256), project: r.principal.project, key: r.principal.id, ms: Math.round((performance.now() - r.t0) * 100) / 100, trace_id: r.traceId, error: r.code });
}
