// Integration tests against a real kube-sandbox (real apiserver, controllers,
// scheduler; simulated GPU nodes), through @kubernetes/client-node.
// Skipped when the binary is not built, unless CI=true, where that fails.
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { findSandboxBinary, startSandbox, type Sandbox } from './sandbox';

const binary = await findSandboxBinary();
const inCI = process.env.CI === 'true';
const SETUP_TIMEOUT = 120_000;

/** Resolve with the first watched object for which `done` holds. */
async function waitFor<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  path: string,
  done: (obj: T, phase: string) => boolean,
  timeoutMs: number,
  query: Record<string, string> = {},
): Promise<T> {
  const watch = new k8s.Watch(kc);
  let abort: AbortController | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms watching ${path}`)), timeoutMs);
      watch
        .watch(path, query, (phase, obj: T) => {
          if (done(obj, phase)) {
            clearTimeout(timer);
            resolve(obj);
          }
        }, (err) => {
          if (err) {
            clearTimeout(timer);
            reject(err);
          }
        })
        .then((a) => { abort = a; }, reject);
    });
  } finally {
    abort?.abort();
  }
}

/** GET an apiserver path with the kubeconfig's client certificate (no client-side path rewriting). */
async function rawGet(kc: k8s.KubeConfig, path: string): Promise<{ status: number; body: string }> {
  const cluster = kc.getCurrentCluster()!;
  const url = new URL(path, cluster.server);
  const opts: import('node:https').RequestOptions = { method: 'GET' };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function deploymentAvailable(d: k8s.V1Deployment, replicas: number): boolean {
  const available = d.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
  return available && (d.status?.availableReplicas ?? 0) === replicas && (d.status?.updatedReplicas ?? 0) === replicas;
}

function podReady(p: k8s.V1Pod): boolean {
  return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

describe.skipIf(!binary && !inCI)('kube sandbox (client-node)', () => {
  let sb: Sandbox;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let objects: k8s.KubernetesObjectApi;
  const ns = 'foundry-e2e';

  beforeAll(async () => {
    if (!binary) throw new Error('CI=true but kube-sandbox is not built: run `bash e2e/sandbox/build.sh` before the tests');
    sb = await startSandbox({ profile: 'mixed', name: 'vitest', binary });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await sb?.stop();
  }, 30_000);

  it('lists nodes with GPU labels and nvidia.com/gpu capacity', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(5);
    const gpu = nodes.filter((n) => n.metadata?.labels?.['feature.node.kubernetes.io/pci-10de.present'] === 'true');
    expect(gpu.map((n) => n.metadata?.labels?.['nvidia.com/gpu.product']).sort()).toEqual([
      'NVIDIA-A100-SXM4-40GB',
      'NVIDIA-H100-80GB-HBM3',
      'NVIDIA-H100-80GB-HBM3',
    ]);
    for (const n of gpu) {
      expect(n.status?.capacity?.['nvidia.com/gpu']).toBe('8');
      expect(n.status?.allocatable?.['nvidia.com/gpu']).toBe('8');
      expect(n.metadata?.labels?.['nvidia.com/gpu.count']).toBe('8');
      expect(Number(n.metadata?.labels?.['nvidia.com/gpu.memory'])).toBeGreaterThan(40_000);
      expect(n.metadata?.labels?.['topology.kubernetes.io/zone']).toMatch(/^us-east-1[ab]$/);
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    const h100 = gpu.find((n) => n.metadata?.labels?.['nvidia.com/gpu.product'] === 'NVIDIA-H100-80GB-HBM3');
    expect(h100?.metadata?.labels?.['node.kubernetes.io/instance-type']).toBe('p5.48xlarge');
  });

  it('rolls out a server-side applied GPU Deployment, then moves its pod when the node is deleted', async () => {
    const name = 'llm';
    const deployment: k8s.V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
            containers: [
              {
                name: 'server',
                image: 'vllm/vllm-openai:v0.6.3',
                resources: { limits: { 'nvidia.com/gpu': '8' } },
                readinessProbe: { httpGet: { path: '/health', port: 8000 }, initialDelaySeconds: 2 },
              },
            ],
          },
        },
      },
    };
    const applied = await objects.patch(deployment, undefined, undefined, 'foundry', true, k8s.PatchStrategy.ServerSideApply);
    expect(applied.metadata?.managedFields?.some((f) => f.manager === 'foundry' && f.operation === 'Apply')).toBe(true);

    const started = Date.now();
    await waitFor<k8s.V1Deployment>(kc, `/apis/apps/v1/namespaces/${ns}/deployments`, (d) => deploymentAvailable(d, 1), 60_000, {
      fieldSelector: `metadata.name=${name}`,
    });
    // The readiness probe's initialDelaySeconds (2 s) is honoured.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    const [pod] = (await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${name}` })).items;
    const oldNode = pod!.spec!.nodeName!;
    expect(oldNode).toMatch(/^h100-/);
    expect(pod!.status?.podIP).toMatch(/^10\.(1[2-9][0-9]|2[0-5][0-9])\./);

    await core.deleteNode({ name: oldNode });
    const moved = await waitFor<k8s.V1Pod>(
      kc,
      `/api/v1/namespaces/${ns}/pods`,
      (p, phase) => phase !== 'DELETED' && !!p.spec?.nodeName && p.spec.nodeName !== oldNode && podReady(p),
      60_000,
      { labelSelector: `app=${name}` },
    );
    expect(moved.spec?.nodeName).toMatch(/^h100-/);
    expect(moved.spec?.nodeName).not.toBe(oldNode);
    await waitFor<k8s.V1Deployment>(kc, `/apis/apps/v1/namespaces/${ns}/deployments`, (d) => deploymentAvailable(d, 1), 60_000, {
      fieldSelector: `metadata.name=${name}`,
    });
  }, 150_000);

  it('reports ImagePullBackOff for images on the deny list', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'broken' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'broken' } },
          template: {
            metadata: { labels: { app: 'broken' } },
            spec: { containers: [{ name: 'app', image: 'registry.invalid/foundry/app:1.0' }] },
          },
        },
      },
    });
    const pod = await waitFor<k8s.V1Pod>(
      kc,
      `/api/v1/namespaces/${ns}/pods`,
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
      30_000,
      { labelSelector: 'app=broken' },
    );
    expect(pod.status?.phase).toBe('Pending');
  }, 60_000);

  describe('service proxy to a process on this machine', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ from: 'local-process', path: req.url }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('GET /api/v1/namespaces/NS/services/NAME:PORT/proxy/ reaches the local HTTP server', async () => {
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: {
            name: 'gateway',
            labels: { app: 'gateway' },
            annotations: { 'sandbox.foundry.dev/forward': `127.0.0.1:${port}` },
          },
          spec: { containers: [{ name: 'gateway', image: 'foundry/gateway:dev', ports: [{ containerPort: 8080 }] }] },
        },
      });
      await core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name: 'gateway' },
          spec: { selector: { app: 'gateway' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
        },
      });
      // The endpoints controller publishes the pod once the simulator marks it Ready.
      await waitFor<k8s.V1Endpoints>(
        kc,
        `/api/v1/namespaces/${ns}/endpoints`,
        (e) => (e.subsets?.[0]?.addresses?.length ?? 0) > 0,
        30_000,
        { fieldSelector: 'metadata.name=gateway' },
      );
      const res = await rawGet(kc, `/api/v1/namespaces/${ns}/services/gateway:80/proxy/v1/models?x=1`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ from: 'local-process', path: '/v1/models?x=1' });

      const root = await rawGet(kc, `/api/v1/namespaces/${ns}/services/gateway:80/proxy/`);
      expect(root.status).toBe(200);
      expect(JSON.parse(root.body).path).toBe('/');
    }, 60_000);
  });
});
