import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import { UNLABELLED_GPU, nodeInventory, summariseGpus } from './inventory';

function node(name: string, opts: { ready?: boolean; gpus?: number; alloc?: number; product?: string; memory?: string } = {}): V1Node {
  const labels: Record<string, string> = { 'node.kubernetes.io/instance-type': 'p5.48xlarge', 'topology.kubernetes.io/zone': 'us-east-1a' };
  if (opts.product) labels['nvidia.com/gpu.product'] = opts.product;
  if (opts.memory) labels['nvidia.com/gpu.memory'] = opts.memory;
  const gpu = opts.gpus === undefined ? {} : { 'nvidia.com/gpu': String(opts.gpus) };
  const alloc = opts.alloc === undefined ? gpu : { 'nvidia.com/gpu': String(opts.alloc) };
  return {
    metadata: { name, labels },
    status: { capacity: { cpu: '8', ...gpu }, allocatable: { cpu: '8', ...alloc }, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as V1Node;
}

describe('GPU inventory', () => {
  it('reads GPUs per node from capacity, allocatable and the GPU feature discovery labels', () => {
    expect(nodeInventory(node('h100-0', { gpus: 8, alloc: 7, product: 'NVIDIA-H100-80GB-HBM3', memory: '81559' }))).toEqual({
      name: 'h100-0',
      ready: true,
      instanceType: 'p5.48xlarge',
      zone: 'us-east-1a',
      gpus: { product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, capacity: 8, allocatable: 7 },
    });
    expect(nodeInventory(node('cpu-0')).gpus).toBeNull();
    expect(nodeInventory(node('cpu-1', { gpus: 0, product: 'NVIDIA-A10G' })).gpus).toBeNull();
    expect(nodeInventory(node('down', { ready: false })).ready).toBe(false);
  });

  it('sums per model, largest first, and groups unlabelled GPUs apart', () => {
    const nodes = [
      node('a100-0', { gpus: 8, product: 'NVIDIA-A100-SXM4-80GB', memory: '81920' }),
      node('h100-0', { gpus: 8, alloc: 6, product: 'NVIDIA-H100-80GB-HBM3', memory: '81559' }),
      node('h100-1', { gpus: 8, product: 'NVIDIA-H100-80GB-HBM3', memory: '81559' }),
      node('mystery', { gpus: 2 }),
      node('cpu', {}),
    ].map(nodeInventory);
    expect(summariseGpus(nodes)).toEqual({
      capacity: 26,
      allocatable: 24,
      models: [
        { product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, nodes: 2, capacity: 16, allocatable: 14 },
        { product: 'NVIDIA-A100-SXM4-80GB', memoryMiB: 81920, nodes: 1, capacity: 8, allocatable: 8 },
        { product: UNLABELLED_GPU, memoryMiB: null, nodes: 1, capacity: 2, allocatable: 2 },
      ],
    });
    expect(summariseGpus([])).toEqual({ capacity: 0, allocatable: 0, models: [] });
  });
});
