import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from './kube-client';

/**
 * What a cluster has: its Kubernetes version, nodes, and NVIDIA GPUs per node and per model, read
 * from the labels and resources that NVIDIA's GPU operator / GPU feature discovery publish
 * (`nvidia.com/gpu` capacity and allocatable, `nvidia.com/gpu.product`, `nvidia.com/gpu.memory` in MiB).
 */

export interface NodeGpus {
  product: string;
  memoryMiB: number | null;
  capacity: number;
  allocatable: number;
}

export interface NodeInventory {
  name: string;
  ready: boolean;
  instanceType: string | null;
  zone: string | null;
  gpus: NodeGpus | null;
}

export interface GpuModel {
  product: string;
  memoryMiB: number | null;
  nodes: number;
  capacity: number;
  allocatable: number;
}

export interface ClusterInventory {
  serverVersion: string;
  nodes: number;
  readyNodes: number;
  gpus: { capacity: number; allocatable: number; models: GpuModel[] };
  nodeList: NodeInventory[];
}

/** Nodes that advertise GPUs but carry no product label (no GPU feature discovery) are grouped under this name. */
export const UNLABELLED_GPU = 'NVIDIA GPU (model not labelled)';

const count = (v: string | undefined): number => {
  const n = Number.parseInt(v ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

export function nodeInventory(node: V1Node): NodeInventory {
  const labels = node.metadata?.labels ?? {};
  const capacity = count(node.status?.capacity?.['nvidia.com/gpu']);
  const allocatable = count(node.status?.allocatable?.['nvidia.com/gpu']);
  const memory = count(labels['nvidia.com/gpu.memory']);
  return {
    name: node.metadata?.name ?? '(unnamed)',
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    instanceType: labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'] ?? null,
    zone: labels['topology.kubernetes.io/zone'] ?? null,
    gpus: capacity > 0 ? { product: labels['nvidia.com/gpu.product'] || UNLABELLED_GPU, memoryMiB: memory || null, capacity, allocatable } : null,
  };
}

/** Per-model totals, largest first; pure so it is tested without a cluster. */
export function summariseGpus(nodes: NodeInventory[]): ClusterInventory['gpus'] {
  const models = new Map<string, GpuModel>();
  for (const n of nodes) {
    if (!n.gpus) continue;
    const m = models.get(n.gpus.product) ?? { product: n.gpus.product, memoryMiB: n.gpus.memoryMiB, nodes: 0, capacity: 0, allocatable: 0 };
    m.nodes += 1;
    m.capacity += n.gpus.capacity;
    m.allocatable += n.gpus.allocatable;
    m.memoryMiB ??= n.gpus.memoryMiB;
    models.set(m.product, m);
  }
  const list = [...models.values()].sort((a, b) => b.capacity - a.capacity || a.product.localeCompare(b.product));
  return { capacity: list.reduce((s, m) => s + m.capacity, 0), allocatable: list.reduce((s, m) => s + m.allocatable, 0), models: list };
}

/** Reads version and every node (paged, 500 at a time) from the API server. */
export async function readInventory(client: KubeClient, signal?: AbortSignal): Promise<ClusterInventory> {
  const version = await client.json<{ gitVersion?: string }>({ path: '/version', action: 'read the server version', signal });
  const nodes: V1Node[] = [];
  let cont: string | undefined;
  do {
    // Raw JSON, not client-node's deserialised model: the page token is `continue`, not `_continue`.
    const page = await client.json<{ items: V1Node[]; metadata?: { continue?: string } }>({ path: '/api/v1/nodes', query: { limit: 500, continue: cont }, action: 'list nodes', signal });
    nodes.push(...page.items);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  const nodeList = nodes.map(nodeInventory).sort((a, b) => a.name.localeCompare(b.name));
  return {
    serverVersion: version.gitVersion ?? 'unknown',
    nodes: nodeList.length,
    readyNodes: nodeList.filter((n) => n.ready).length,
    gpus: summariseGpus(nodeList),
    nodeList,
  };
}
