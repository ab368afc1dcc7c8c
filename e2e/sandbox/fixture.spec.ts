import { expect, test } from './playwright-fixture';
import * as k8s from '@kubernetes/client-node';

test('a Playwright scenario can ask for a cluster with simulated GPU nodes', async ({ kube, sandbox }) => {
  const nodes = (await kube.makeApiClient(k8s.CoreV1Api).listNode()).items;
  expect(nodes.length).toBe(sandbox.nodes);
  const gpuNodes = nodes.filter((n) => n.metadata?.labels?.['nvidia.com/gpu.product']);
  expect(gpuNodes.length).toBeGreaterThan(0);
  expect(gpuNodes.every((n) => Number(n.status?.capacity?.['nvidia.com/gpu'] ?? 0) > 0)).toBe(true);
});
