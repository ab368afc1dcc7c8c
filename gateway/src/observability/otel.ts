/**
 * OpenTelemetry span export, on only when [tracing] names an OTLP endpoint (otherwise the
 * gateway holds null here and pays one null check per request). One SERVER span per inference
 * request, a child of the caller's traceparent when it sent a valid one, and one CLIENT span per
 * upstream attempt; the upstream's traceparent names the attempt span, so the runtime's own spans
 * hang under the right attempt. Batched and exported as OTLP/HTTP JSON; a collector outage drops
 * spans (bounded queue), never requests.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/schema';
import { parseTraceparent, type TraceContext } from './trace';

export type { Span } from '@opentelemetry/api';

export interface RequestEnd {
  status: number;
  errorCode?: string | null;
  attributes?: Attributes;
}

export class Tracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;

  constructor(cfg: TracingConfig, version: string) {
    const exporter = new OTLPTraceExporter({ url: cfg.otlp_endpoint, timeoutMillis: cfg.export_timeout_ms });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': cfg.service_name, 'service.version': version }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.sample_ratio) }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: cfg.batch_delay_ms, maxQueueSize: cfg.max_queue, maxExportBatchSize: Math.min(512, cfg.max_queue), exportTimeoutMillis: cfg.export_timeout_ms })],
    });
    this.tracer = this.provider.getTracer('foundry-gateway', version);
  }

  /** The request span, started at arrival (t0, a performance.now() value), and the trace the call carries. */
  startRequest(route: string, t0: number, traceparent: string | string[] | undefined, attributes: Attributes): { span: Span; trace: TraceContext } {
    const parent = parseTraceparent(traceparent);
    const ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parseInt(parent.flags, 16) & 1, isRemote: true }) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(`POST ${route}`, { kind: SpanKind.SERVER, startTime: t0, attributes: { 'http.request.method': 'POST', 'http.route': route, ...attributes } }, ctx);
    const sc = span.spanContext();
    const flags = sc.traceFlags & 1 ? '01' : '00';
    return { span, trace: { traceId: sc.traceId, spanId: sc.spanId, flags, header: `00-${sc.traceId}-${sc.spanId}-${flags}` } };
  }

  /** A CLIENT span for one upstream attempt and the traceparent that names it. */
  startAttempt(parent: Span, target: string, address: string): { span: Span; header: string } {
    const span = this.tracer.startSpan('upstream attempt', { kind: SpanKind.CLIENT, attributes: { 'foundry.target': target, 'server.address': address } }, trace.setSpan(ROOT_CONTEXT, parent));
    const sc = span.spanContext();
    return { span, header: `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags & 1 ? '01' : '00'}` };
  }

  static endAttempt(span: Span, outcome: string, status: number | null): void {
    span.setAttribute('foundry.outcome', outcome);
    if (status !== null) span.setAttribute('http.response.status_code', status);
    if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    span.end();
  }

  static endRequest(span: Span, e: RequestEnd): void {
    span.setAttribute('http.response.status_code', e.status);
    if (e.attributes) span.setAttributes(e.attributes);
    if (e.errorCode) {
      span.setAttribute('error.type', e.errorCode);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.errorCode });
    }
    span.end();
  }

  /** Exports what is queued (bounded by export_timeout_ms) and stops. */
  shutdown(): Promise<void> {
    return this.provider.shutdown().catch(() => undefined);
  }
}
