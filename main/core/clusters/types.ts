/**
 * What the channels return about clusters (type-only; the renderer imports these).
 */
import type { FoundryErrorShape } from '../errors';
import type { AuthKind, KubeconfigContext } from './kubeconfig';
import type { GpuModel, NodeInventory } from './inventory';
import type { ClusterSource, DriftedObject } from './store';

export type { AuthKind, KubeconfigContext, GpuModel, NodeInventory, DriftedObject, ClusterSource };

export interface KubeconfigPreview {
  contexts: KubeconfigContext[];
  currentContext: string | null;
}

/**
 * - `synced`: the cluster has the config the desktop renders now.
 * - `out-of-date`: it was synced, but keys, projects, guardrails or endpoints changed since (a resync is due or running).
 * - `drifted`: someone changed the objects in the cluster after Foundry applied them.
 * - `failed`: the last attempt failed; `error` says why.
 */
export type GatewaySyncState = 'synced' | 'out-of-date' | 'drifted' | 'failed';

export interface GatewayStatus {
  state: GatewaySyncState;
  namespace: string;
  configHash: string | null;
  appliedAt: string | null;
  attemptedAt: string;
  installedAt: string | null;
  error: FoundryErrorShape | null;
  drift: DriftedObject[];
  driftCheckedAt: string | null;
}

/**
 * Where the cluster's gateway counts its limits. Null: in each replica's memory, so with N replicas
 * a limit admits up to N times its setting. Set: a Redis every replica shares (the URL is write-only
 * and never leaves the vault except into the cluster's gateway Secret).
 */
export interface LimitsStore {
  backend: 'redis';
  /** Grows with every URL set; names the URL's file in the gateway Secret. */
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export interface LimitsStoreChange {
  clusterId: string;
  change: 'set' | 'replaced' | 'cleared';
  revision: number;
}

/** What setting or clearing a limits store returns: the cluster as it now reads, and what changed. */
export interface LimitsStoreResult {
  cluster: ClusterSummary;
  change: LimitsStoreChange;
}

/** `ok`: reachable, every node Ready; `degraded`: reachable, some node not Ready; `unreachable`: the last check failed; `unknown`: never checked. */
export type ClusterHealth = 'ok' | 'degraded' | 'unreachable' | 'unknown';

export interface ClusterSummary {
  id: string;
  name: string;
  source: ClusterSource;
  context: string;
  server: string;
  caFingerprint: string | null;
  authKind: AuthKind;
  createdBy: string;
  createdAt: string;
  health: ClusterHealth;
  checkedAt: string | null;
  checkError: FoundryErrorShape | null;
  /** From the last successful check (kept while a cluster is unreachable, with its time). */
  inventoryAt: string | null;
  version: string | null;
  nodes: number | null;
  readyNodes: number | null;
  gpus: { capacity: number; allocatable: number; models: GpuModel[] } | null;
  /** Null until the gateway config has been synced to this cluster once. */
  gateway: GatewayStatus | null;
  gatewayNamespace: string;
  limitsStore: LimitsStore | null;
}

export interface ClusterDetail extends ClusterSummary {
  nodeList: NodeInventory[];
}

export interface ImportResult {
  imported: ClusterSummary[];
  failed: { context: string; name: string; error: FoundryErrorShape }[];
}
