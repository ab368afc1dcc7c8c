/** App-lifetime services handed to plugins and the proxy (one composition root: app.ts). */
import type { AccessLog } from './observability/access-log';
import type { GatewayMetrics } from './observability/metrics';
import type { Tracing } from './observability/otel';
import type { Runtime } from './runtime';
import type { UsageFeed } from './usage/feed';

export interface Services {
  metrics: GatewayMetrics;
  usage: UsageFeed;
  /** Access log; null when turned off. */
  accessLog: AccessLog | null;
  /** The runtime new requests start with; swapped atomically on reload. */
  runtime(): Runtime;
  /** OpenTelemetry span export; null when no OTLP endpoint is configured (the common, free case). */
  tracing: Tracing | null;
  /** In-flight streaming responses, drained on shutdown. */
  streams: Set<import('node:http').ServerResponse>;
}
