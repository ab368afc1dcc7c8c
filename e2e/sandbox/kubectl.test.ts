// kubectl — a client nobody here wrote — against the sandbox's kubeconfig.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSandboxBinary, startSandbox, type Sandbox } from './sandbox';

const run = promisify(execFile);
const binary = await findSandboxBinary();
const inCI = process.env.CI === 'true';
const kubectl = process.env.KUBECTL ?? ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

interface NodeList {
  items: Array<{
    metadata: { name: string; labels: Record<string, string> };
    status: { capacity: Record<string, string>; conditions: Array<{ type: string; status: string }> };
  }>;
}

describe.skipIf((!binary || !kubectl) && !inCI)('kube sandbox (kubectl)', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    if (!binary) throw new Error('CI=true but kube-sandbox is not built: run `bash e2e/sandbox/build.sh` before the tests');
    if (!kubectl) throw new Error('CI=true but kubectl is not installed (set KUBECTL or install it)');
    sb = await startSandbox({ profile: 'eks-p5', name: 'kubectl', binary });
  }, 120_000);

  afterAll(async () => {
    await sb?.stop();
  }, 30_000);

  it('kubectl get nodes -o json shows the simulated p5 nodes', async () => {
    const { stdout } = await run(kubectl!, ['--kubeconfig', sb.kubeconfigPath, 'get', 'nodes', '-o', 'json'], {
      maxBuffer: 16 << 20,
    });
    const nodes = (JSON.parse(stdout) as NodeList).items;
    const p5 = nodes.filter((n) => n.metadata.labels['node.kubernetes.io/instance-type'] === 'p5.48xlarge');
    expect(p5).toHaveLength(2);
    for (const n of p5) {
      expect(n.metadata.labels['nvidia.com/gpu.product']).toBe('NVIDIA-H100-80GB-HBM3');
      expect(n.metadata.labels['nvidia.com/gpu.memory']).toBe('81559');
      expect(n.status.capacity['nvidia.com/gpu']).toBe('8');
      expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    expect(nodes).toHaveLength(4);
  }, 30_000);

  it('kubectl sees a real v1.33 server with RBAC enforced', async () => {
    const { stdout } = await run(kubectl!, ['--kubeconfig', sb.kubeconfigPath, 'version', '-o', 'json']);
    expect(JSON.parse(stdout).serverVersion.gitVersion).toBe('v1.33.13');
    const denied = await run(kubectl!, [
      '--kubeconfig', sb.kubeconfigPath, 'auth', 'can-i', 'list', 'secrets', '--as', 'system:serviceaccount:default:default',
    ]).then(() => 'yes', (err: { stdout?: string }) => (err.stdout ?? '').trim());
    expect(denied).toBe('no');
  }, 30_000);
});
