import type { GatewayTargetState } from '../../../main/core/gateway/live-state';

export const BREAKER: Record<GatewayTargetState['breaker'], { label: string; color: string }> = {
  closed: { label: 'Closed', color: 'teal' },
  half_open: { label: 'Half-open (probing)', color: 'yellow' },
  open: { label: 'Open (failing fast)', color: 'red' },
};

/** KV-cache pressure as the gateway last scraped it from the runtime, with its age. */
export function kvLine(kv: GatewayTargetState['kv']): string {
  if (!kv) return '—';
  const age = kv.ageMs < 1000 ? `${Math.round(kv.ageMs)} ms` : `${(kv.ageMs / 1000).toFixed(1)} s`;
  return `${Math.round(kv.cacheUsage * 100)}% used, ${kv.waiting} waiting (${age} ago)`;
}
