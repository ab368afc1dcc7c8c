import type { ClusterRecord, GatewaySyncRecord } from './store';
import type { ClusterDetail, ClusterHealth, ClusterSummary, GatewayStatus, LimitsStore } from './types';

/** How a cluster row reads in the UI and CLI, from its stored record and the config the desktop renders now. */

function health(c: ClusterRecord): ClusterHealth {
  if (!c.checkedAt) return 'unknown';
  if (c.checkError || !c.inventory) return 'unreachable';
  return c.inventory.readyNodes < c.inventory.nodes ? 'degraded' : 'ok';
}

export function gatewayStatus(sync: GatewaySyncRecord | null, namespace: string, desiredHash: string): GatewayStatus | null {
  if (!sync) return null;
  const drift = sync.drift ?? [];
  const state =
    sync.state === 'failed' ? 'failed' : drift.length > 0 ? 'drifted' : sync.configHash !== desiredHash ? 'out-of-date' : 'synced';
  return {
    state,
    namespace,
    configHash: sync.configHash,
    appliedAt: sync.appliedAt,
    attemptedAt: sync.attemptedAt,
    installedAt: sync.installedAt,
    error: sync.error,
    drift,
    driftCheckedAt: sync.driftCheckedAt,
  };
}

/** `desiredHash`: this cluster's own desired config (the shared part plus its limits store). */
export function toSummary(c: ClusterRecord, sync: GatewaySyncRecord | null, desiredHash: string, limitsStore: LimitsStore | null): ClusterSummary {
  const inv = c.inventory;
  return {
    id: c.id,
    name: c.name,
    source: c.source,
    context: c.context,
    server: c.server,
    caFingerprint: c.caFingerprint,
    authKind: c.authKind,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    health: health(c),
    checkedAt: c.checkedAt,
    checkError: c.checkError,
    inventoryAt: c.inventoryAt,
    version: inv?.serverVersion ?? null,
    nodes: inv?.nodes ?? null,
    readyNodes: inv?.readyNodes ?? null,
    gpus: inv?.gpus ?? null,
    gateway: gatewayStatus(sync, c.gatewayNamespace, desiredHash),
    gatewayNamespace: c.gatewayNamespace,
    limitsStore,
  };
}

export function toDetail(summary: ClusterSummary, c: ClusterRecord): ClusterDetail {
  return { ...summary, nodeList: c.inventory?.nodeList ?? [] };
}
