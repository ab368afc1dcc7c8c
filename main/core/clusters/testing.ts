/**
 * Test support for cluster tests: real kube-sandbox API servers (e2e/sandbox), a direct client to
 * them for assertions, and a core whose vault sits on the real OS keychain. Imported by tests only.
 */
import { readFileSync } from 'node:fs';
import { findSandboxBinary, startSandbox, type Sandbox } from '../../../e2e/sandbox/sandbox';
import { keychainTestsAvailable, requireInCi, setupAdmin, startTestCore, type TestCore } from '../testing/harness';
import type { CoreOptions } from '../core';
import { createKubeClient, type KubeClient } from './kube-client';

/** Whether cluster tests can run: the sandbox binary and a keychain. Missing parts fail in CI. */
export async function clusterTestsAvailable(): Promise<boolean> {
  const binary = requireInCi((await findSandboxBinary()) !== null, 'kube-sandbox (npm run sandbox:build)');
  const keychain = await keychainTestsAvailable();
  return binary && keychain;
}

export function startTestSandbox(name: string, profile = 'mixed'): Promise<Sandbox> {
  return startSandbox({ profile, name, build: false });
}

export const kubeconfigOf = (sb: Sandbox): string => readFileSync(sb.kubeconfigPath, 'utf8');

/** A client with the sandbox's admin credentials, for tests to look at (and tamper with) the cluster directly. */
export function adminClient(sb: Sandbox): Promise<KubeClient> {
  return createKubeClient(kubeconfigOf(sb), { cluster: sb.name });
}

/** Imports the sandbox's context into `core` as one cluster named `name`, through the channel as a user would; its id. */
export async function importSandbox(core: TestCore, admin: string, sb: Sandbox, name: string): Promise<string> {
  const { imported } = await core.call('clusters:import', { kubeconfig: kubeconfigOf(sb), contexts: [{ context: sb.name, name }] }, admin);
  return imported[0]!.id;
}

export async function clusterCore(options: Partial<CoreOptions> = {}): Promise<{ core: TestCore; admin: string }> {
  const core = startTestCore({ clusterTimeoutMs: 5000, gatewayAutoSync: { debounceMs: 50, intervalMs: 3_600_000 }, ...options });
  return { core, admin: await setupAdmin(core) };
}

/** Polls until `probe` returns a value (not undefined/false), or fails with the last error. */
export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What a Deployment's pod would be, for a gateway process running on this machine: the gateway Service
 * and one pod whose traffic the sandbox's dialer forwards to `url` (no container runtime here).
 */
export async function putBehindGatewayService(kube: KubeClient, namespace: string, service: string, url: string): Promise<void> {
  await kube.json({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/services`,
    body: { metadata: { name: service }, spec: { selector: { app: 'stand-in-gateway' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    action: 'create the gateway Service',
  });
  await kube.json({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/pods`,
    body: {
      metadata: { name: 'gateway-0', labels: { app: 'stand-in-gateway' }, annotations: { 'sandbox.foundry.dev/forward': `8080=${new URL(url).host}` } },
      spec: { containers: [{ name: 'gateway', image: 'foundry/gateway:test', ports: [{ containerPort: 8080 }] }] },
    },
    action: 'create the gateway pod',
  });
}

/** A cluster row as an import leaves it, for tests of per-cluster settings that need no API server. */
export async function insertTestCluster(core: TestCore, name: string): Promise<string> {
  const kubeconfig = await core.services.vault.put('kubeconfig', name, 'apiVersion: v1');
  const id = `cl_${name}`;
  core.services.clusters.store.insert({
    id,
    name,
    source: 'kubeconfig',
    context: name,
    server: `https://${name}.example:6443`,
    caFingerprint: null,
    authKind: 'token',
    kubeconfigSecretId: kubeconfig.id,
    gatewayNamespace: 'foundry-system',
    createdBy: 'ada',
    createdAt: new Date().toISOString(),
    checkedAt: null,
    inventory: null,
    checkError: null,
  });
  return id;
}
