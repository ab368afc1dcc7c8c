/** Pure wording for the Clusters page, tested without a DOM. */
import type { MantineColor } from '@mantine/core';
import type { ClusterHealth, ClusterSummary, GatewayStatus, LimitsStore } from '../../../main/core/clusters/types';

/** "NVIDIA-H100-80GB-HBM3" reads as "H100-80GB-HBM3" in a badge; the tooltip keeps the full label. */
export function shortGpuName(product: string): string {
  return product.replace(/^NVIDIA[- ]/i, '') || product;
}

export function gpuLine(c: Pick<ClusterSummary, 'gpus'>): string {
  if (!c.gpus) return 'unknown';
  if (c.gpus.models.length === 0) return 'no GPUs';
  return c.gpus.models.map((m) => `${m.capacity}× ${shortGpuName(m.product)}`).join(', ');
}

export const HEALTH: Record<ClusterHealth, { label: string; color: MantineColor }> = {
  ok: { label: 'Ready', color: 'teal' },
  degraded: { label: 'Degraded', color: 'yellow' },
  unreachable: { label: 'Unreachable', color: 'red' },
  unknown: { label: 'Not checked', color: 'gray' },
};

export const GATEWAY: Record<GatewayStatus['state'] | 'none', { label: string; color: MantineColor }> = {
  synced: { label: 'Synced', color: 'teal' },
  'out-of-date': { label: 'Out of date', color: 'yellow' },
  drifted: { label: 'Drift', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
  none: { label: 'Not synced', color: 'gray' },
};

/** One sentence on the gateway state, for tooltips and the detail panel. */
export function gatewaySentence(g: GatewayStatus | null): string {
  if (!g) return "Foundry's gateway config has not been pushed to this cluster yet.";
  switch (g.state) {
    case 'synced':
      return `The cluster has the current config (${g.configHash?.slice(0, 12)}) in ${g.namespace}.`;
    case 'out-of-date':
      return 'Keys or projects changed since the last sync; a resync is due.';
    case 'drifted':
      return `Changed in the cluster since Foundry applied it: ${g.drift
        .map((d) => `${d.kind} ${d.name} ${d.state === 'missing' ? 'deleted' : 'modified'}${d.editedBy.length ? ` by ${d.editedBy.join(', ')}` : ''}`)
        .join('; ')}. Sync to put it back.`;
    case 'failed':
      return g.error ? `${g.error.message}${g.error.hint ? ` ${g.error.hint}` : ''}` : 'The last sync failed.';
  }
}

/**
 * A sync refused because another Foundry desktop owns the cluster's gateway (main/core/gateway/ownership.ts,
 * OWNED_ELSEWHERE): who owns it, for the "Take over" action; null for any other state.
 */
export function ownedElsewhere(g: GatewayStatus | null): { ownerHost: string | null } | null {
  const details = g?.state === 'failed' ? (g.error?.details as { reason?: unknown; ownerHost?: unknown } | undefined) : undefined;
  if (details?.reason !== 'gateway-owned-elsewhere') return null;
  return { ownerHost: typeof details.ownerHost === 'string' ? details.ownerHost : null };
}

/** The "Limits store" fact: a short label, and the sentence that says what it means for the limits. */
export function limitsStoreWording(s: LimitsStore | null): { label: string; color: MantineColor; sentence: string } {
  if (!s) {
    return {
      label: 'Per replica',
      color: 'yellow',
      sentence: 'No limits store: each gateway replica counts limits and budgets on its own, so with N replicas a limit admits up to N times its setting.',
    };
  }
  return {
    label: 'Redis (shared)',
    color: 'teal',
    sentence: `Every gateway replica counts limits and budgets together in this cluster's Redis, so each limit holds exactly. The URL (revision ${s.revision}) is sealed in the vault and never shown.`,
  };
}

/** What the limits-store form says before saving; the URL field always starts empty (write-only). */
export const LIMITS_STORE_HELP = {
  url: 'redis://[user:password@]host[:port][/db], or rediss:// for TLS. Reachable from the gateway pods, e.g. a Redis Service in the cluster.',
  replace: 'A URL is stored and never shown. Entering a new one replaces it; the gateways reload onto it at the next sync.',
  clear: 'Clearing it makes each replica count limits on its own again: with N replicas, a limit admits up to N times its setting.',
} as const;
