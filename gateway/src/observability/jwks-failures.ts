/**
 * What the operator sees when the JWT key set cannot be fetched: every failure counts in
 * foundry_gateway_jwks_fetch_failures_total{reason}, and a warning line says why, at most once
 * per interval (with no cached keys, jose refetches for every JWT request; one line per request
 * would drown the log).
 */
import type { KeySetError } from '../auth/jwks-fetch';
import type { GatewayMetrics } from './metrics';

export type WarnLog = (fields: Record<string, unknown>, message: string) => void;

export function keySetFailureReporter(metrics: GatewayMetrics, warn: WarnLog | undefined, intervalMs = 30_000, now = Date.now): (err: KeySetError) => void {
  let lastLogged = -Infinity;
  let suppressed = 0;
  return (err) => {
    metrics.jwksFailures.labels(err.reason).inc();
    const t = now();
    if (t - lastLogged < intervalMs) {
      suppressed += 1;
      return;
    }
    lastLogged = t;
    warn?.({ reason: err.reason, detail: err.message, ...(suppressed ? { suppressed } : {}) }, 'cannot fetch the JWT key set (auth.jwt.jwks_url); JWTs are refused until it can be fetched');
    suppressed = 0;
  };
}
