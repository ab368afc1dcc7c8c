import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, secretsFrom, type Running } from '../../../gateway/test-support/harness';
import { sha256Hex } from '../access/tokens';
import { tempDir, type TestCore } from '../testing/harness';
import { clusterCore, clusterTestsAvailable, eventually, kubeconfigOf, startTestSandbox } from '../clusters/testing';
import { useSandbox } from '../testing/sandbox';
import { FIELD_MANAGER } from '../clusters/apply';
import { callGatewayAdmin } from './admin';
import { GATEWAY_CONFIGMAP, GATEWAY_SECRET } from './sync-objects';

/** The desktop keeps each cluster's gateway config in the cluster: real API servers (kube-sandbox), real jobs, real vault. */
const available = await clusterTestsAvailable();

const NS = 'foundry-system';
const k8s = useSandbox('gateway-sync', { when: available, cleanNamespace: NS });
let core: TestCore;
let admin: string;

// Each test starts from a cluster without Foundry's namespace (useSandbox deletes it after this).
afterEach(async () => core?.dispose());

interface ConfigMap {
  data: Record<string, string>;
  metadata: { annotations?: Record<string, string>; managedFields?: { manager: string; operation: string }[] };
}
interface Secret {
  data: Record<string, string>;
}

const readConfigMap = () => k8s.kube.getOrNull<ConfigMap>(`/api/v1/namespaces/${NS}/configmaps/${GATEWAY_CONFIGMAP}`, 'read');
const readSecret = () => k8s.kube.getOrNull<Secret>(`/api/v1/namespaces/${NS}/secrets/${GATEWAY_SECRET}`, 'read');
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

async function clusterConfig() {
  const cm = await readConfigMap();
  if (!cm) return null;
  const parsed = parseGatewayConfig(cm.data['config.toml']!);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.value;
}

async function importSandbox(which: Sandbox, name: string): Promise<string> {
  const { imported } = await core.call('clusters:import', { kubeconfig: kubeconfigOf(which), contexts: [{ context: which.name, name }] }, admin);
  return imported[0]!.id;
}

async function syncAndWait(clusterIds?: string[], install = false) {
  const job = await core.call('clusters:syncGateway', { clusterIds, install }, admin);
  return core.services.jobs.wait(job.id);
}

describe.skipIf(!available)('gateway config sync (real API server)', () => {
  it('applies Namespace, Secret and ConfigMap by server-side apply; the config parses in the gateway and names every key by hash', async () => {
    ({ core, admin } = await clusterCore());
    const project = await core.call('projects:create', { name: 'fraud-detection' }, admin);
    const key = await core.call('apikeys:create', { projectId: project.id, name: 'ci', allowedModels: ['llama-3.1-8b'] }, admin);
    const id = await importSandbox(k8s.sandbox, 'sandbox');

    const job = await syncAndWait([id]);
    expect(job).toMatchObject({ status: 'succeeded', title: 'Sync gateway config to sandbox' });

    const config = (await clusterConfig())!;
    expect(config.auth.api_keys).toEqual([expect.objectContaining({ id: key.key.id, hash: sha256Hex(key.secret), project: 'fraud-detection', allowed_models: ['llama-3.1-8b'], revoked: false })]);
    expect(config.server.admin_token_file).toBe('/etc/foundry-gateway/secrets/admin-token');
    const cm = (await readConfigMap())!;
    expect(cm.data['config.toml']).not.toContain(key.secret);
    expect(cm.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' })]));

    const secret = (await readSecret())!;
    const token = (await core.services.vault.getByName('gateway-admin-token', id)).toString();
    expect(decode(secret.data['admin-token']!)).toBe(token);
    expect(JSON.parse(decode(secret.data['api-keys.json']!))).toEqual([{ id: key.key.id, hash: sha256Hex(key.secret), project: 'fraud-detection', revoked: false }]);

    const [cluster] = await core.call('clusters:list', {}, admin);
    expect(cluster!.gateway).toMatchObject({ state: 'synced', namespace: NS, drift: [], error: null, installedAt: null });
    expect(Date.parse(cluster!.gateway!.appliedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creating a key puts its hash in every synced cluster, and revoking it marks it revoked there', async () => {
    ({ core, admin } = await clusterCore());
    const project = await core.call('projects:create', { name: 'payments' }, admin);
    const id = await importSandbox(k8s.sandbox, 'sandbox');
    await syncAndWait([id]);
    expect((await clusterConfig())!.auth.api_keys).toEqual([]);

    const created = await core.call('apikeys:create', { projectId: project.id, name: 'checkout' }, admin);
    const hash = sha256Hex(created.secret);
    await eventually(async () => (await clusterConfig())?.auth.api_keys.find((k) => k.hash === hash && !k.revoked), 20_000, 'the new key in the cluster');
    // The job records its success just after the objects are applied (and read back): wait for that too.
    await eventually(async () => (await core.call('clusters:list', {}, admin))[0]!.gateway!.state === 'synced', 20_000, 'the cluster marked synced');
    const jobs = await core.call('jobs:list', {}, admin);
    const auto = jobs.find((j) => j.title.includes('keys, projects, guardrails or endpoints changed'));
    expect(auto, JSON.stringify(jobs.map((j) => [j.title, j.createdBy, j.status, j.createdAt]))).toMatchObject({ createdBy: 'foundry' });

    await core.call('apikeys:revoke', { keyId: created.key.id }, admin);
    await eventually(async () => (await clusterConfig())?.auth.api_keys.find((k) => k.hash === hash && k.revoked), 20_000, 'the key revoked in the cluster');
    expect(JSON.parse(decode((await readSecret())!.data['api-keys.json']!))).toEqual([expect.objectContaining({ hash, revoked: true })]);
  });

  it("a project's limits and body logging, a key's rates and an endpoint's rates reach every synced cluster by themselves", async () => {
    ({ core, admin } = await clusterCore());
    const project = await core.call('projects:create', { name: 'limited' }, admin);
    const key = await core.call('apikeys:create', { projectId: project.id, name: 'ci' }, admin);
    const endpoint = await core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: 'http://vllm.models:8000/v1' }, admin);
    const id = await importSandbox(k8s.sandbox, 'sandbox');
    await syncAndWait([id]);
    expect((await clusterConfig())!.projects.limited).toEqual({ log_bodies: false });

    await core.call('projects:setLimits', { projectId: project.id, requestsPerMinute: 600, monthlyTokenBudget: 1_000_000, logBodies: true }, admin);
    await core.call('apikeys:update', { keyId: key.key.id, tokensPerMinute: 20_000 }, admin);
    await core.call('endpoints:update', { endpointId: endpoint.id, requestsPerMinute: 6000 }, admin);
    const config = await eventually(async () => {
      const c = await clusterConfig();
      return c?.models.llama?.requests_per_minute === 6000 && c.auth.api_keys[0]?.tokens_per_minute === 20_000 && c.projects.limited?.log_bodies ? c : undefined;
    }, 30_000, 'the limits in the cluster');
    expect(config.projects.limited).toEqual({ requests_per_minute: 600, monthly_token_budget: 1_000_000, log_bodies: true });
    // Nobody asked for a sync after the first: the audited changes started the resyncs.
    const auto = (await core.call('jobs:list', {}, admin)).filter((j) => j.title.includes('changed'));
    expect(auto.length).toBeGreaterThan(0);
    expect(auto.every((j) => j.createdBy === 'foundry')).toBe(true);
  });

  it('a reconcile does nothing when nothing changed, waits for a running sync, and picks up changes it was not told about', async () => {
    ({ core, admin } = await clusterCore());
    const project = await core.call('projects:create', { name: 'quiet' }, admin);
    const id = await importSandbox(k8s.sandbox, 'sandbox');
    await syncAndWait([id]);
    const auto = core.services.gatewayAutoSync;
    expect(await auto.reconcile()).toBeNull();

    // A change this process did not record itself (as when the CLI writes to the same database).
    const created = core.services.apiKeys.create({ projectId: project.id, name: 'from-cli', allowedModels: ['*'], monthlyTokenBudget: null, expiresAt: null }, 'cli');
    // While a sync someone started is running, the reconcile waits for it instead of syncing the same cluster twice.
    const manual = await core.call('clusters:syncGateway', { clusterIds: [id] }, admin);
    expect(await auto.reconcile()).toBeNull();
    await core.services.jobs.wait(manual.id);
    expect((await clusterConfig())!.auth.api_keys.map((k) => k.hash)).toContain(sha256Hex(created.secret));
    await new Promise((r) => setTimeout(r, 300));
    expect((await core.call('jobs:list', {}, admin)).filter((j) => j.type === 'gateway.sync')).toHaveLength(2);

    const later = core.services.apiKeys.create({ projectId: project.id, name: 'from-cli-2', allowedModels: ['*'], monthlyTokenBudget: null, expiresAt: null }, 'cli');
    const job = await auto.reconcile();
    expect(job).toMatchObject({ title: 'Resync gateway config to sandbox (keys, projects, guardrails or endpoints changed)', createdBy: 'foundry' });
    expect((await core.services.jobs.wait(job!.id)).status).toBe('succeeded');
    expect((await clusterConfig())!.auth.api_keys.map((k) => k.hash)).toContain(sha256Hex(later.secret));
    expect(await auto.reconcile()).toBeNull();
  });

  it('reports an edit made in the cluster as drift, and the next sync puts the config back', async () => {
    ({ core, admin } = await clusterCore());
    const id = await importSandbox(k8s.sandbox, 'sandbox');
    await syncAndWait([id]);
    const original = (await readConfigMap())!.data['config.toml'];

    // What `kubectl edit` does: an update under its own field manager.
    await k8s.kube.json({
      method: 'PATCH',
      path: `/api/v1/namespaces/${NS}/configmaps/${GATEWAY_CONFIGMAP}`,
      query: { fieldManager: 'kubectl-edit' },
      contentType: 'application/merge-patch+json',
      body: { data: { 'config.toml': `${original}\n# tuned by hand\n` } },
      action: 'edit the ConfigMap',
    });
    const [checked] = await core.call('clusters:check', { clusterId: id }, admin);
    expect(checked!.gateway).toMatchObject({ state: 'drifted', drift: [{ kind: 'ConfigMap', name: GATEWAY_CONFIGMAP, state: 'modified', editedBy: ['kubectl-edit'] }] });

    const job = await syncAndWait([id]);
    expect(job.status).toBe('succeeded');
    const logs = await core.call('jobs:get', { jobId: job.id }, admin);
    expect(logs.logs.map((l) => l.message).join('\n')).toContain('drift found and overwritten: ConfigMap foundry-gateway-config was changed by kubectl-edit');
    expect((await readConfigMap())!.data['config.toml']).toBe(original);
    expect((await core.call('clusters:list', {}, admin))[0]!.gateway).toMatchObject({ state: 'synced', drift: [] });
  });

  it('an unreachable cluster fails on its own and says why; the others get the new key', async () => {
    ({ core, admin } = await clusterCore({ clusterTimeoutMs: 1500 }));
    const other = await startTestSandbox('gateway-sync-2', 'cpu-only');
    try {
      const project = await core.call('projects:create', { name: 'edge' }, admin);
      const a = await importSandbox(k8s.sandbox, 'a');
      const b = await importSandbox(other, 'b');
      expect((await syncAndWait()).status).toBe('succeeded');
      await other.stop();

      const created = await core.call('apikeys:create', { projectId: project.id, name: 'k' }, admin);
      const hash = sha256Hex(created.secret);
      await eventually(async () => (await clusterConfig())?.auth.api_keys.find((k) => k.hash === hash), 20_000, 'the key in the reachable cluster');
      const auto = await eventually(async () => (await core.call('jobs:list', {}, admin)).find((j) => j.title.includes('keys, projects, guardrails or endpoints changed') && j.status === 'failed'), 20_000, 'the auto job to end');
      expect(auto.error).toMatchObject({ code: 'CLUSTER_UNREACHABLE', message: expect.stringMatching(/^b: Cannot reach the API server of b .*; 1 other cluster is synced\.$/) });
      const byId = Object.fromEntries((await core.call('clusters:list', {}, admin)).map((c) => [c.id, c]));
      expect(byId[a]!.gateway).toMatchObject({ state: 'synced' });
      expect(byId[b]!.gateway).toMatchObject({ state: 'failed', error: { code: 'CLUSTER_UNREACHABLE' } });
    } finally {
      await other.stop();
    }
  });
});

/** The Deployment's latest template runs on exactly its two replicas (no old pod left behind the Service). */
async function rolledOut() {
  await eventually(async () => {
    const d = await k8s.kube.json<{ metadata: { generation: number }; status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number } }>({
      path: `/apis/apps/v1/namespaces/${NS}/deployments/foundry-gateway`,
      action: 'read',
    });
    const s = d.status ?? {};
    return s.observedGeneration === d.metadata.generation && s.replicas === 2 && s.updatedReplicas === 2 && s.availableReplicas === 2;
  }, 60_000, 'the gateway Deployment to roll out');
}

describe.skipIf(!available)('installing the gateway (real API server)', () => {
  const bundleDir = tempDir('foundry-gateway-bundle-');
  let gateway: Running | undefined;
  afterAll(async () => {
    await gateway?.close();
    bundleDir.remove();
  });

  it('applies the workload, which rolls out; the desktop reaches the gateway through the service proxy with its admin token', async () => {
    const outfile = join(bundleDir.path, 'gateway.js');
    execFileSync(process.execPath, ['gateway/scripts/build.mjs'], { env: { ...process.env, GATEWAY_OUTFILE: outfile } });
    ({ core, admin } = await clusterCore({ gatewayBundlePath: `${outfile}.gz` }));
    const project = await core.call('projects:create', { name: 'search' }, admin);
    await core.call('apikeys:create', { projectId: project.id, name: 'a' }, admin);
    await core.call('apikeys:create', { projectId: project.id, name: 'b' }, admin);
    const id = await importSandbox(k8s.sandbox, 'sandbox');

    const job = await syncAndWait([id], true);
    expect(job).toMatchObject({ status: 'succeeded', title: 'Install the gateway on sandbox' });
    for (const path of [
      `/apis/apps/v1/namespaces/${NS}/deployments/foundry-gateway`,
      `/api/v1/namespaces/${NS}/services/foundry-gateway`,
      `/api/v1/namespaces/${NS}/configmaps/foundry-gateway-bundle`,
      `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/foundry-gateway`,
      `/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies/foundry-gateway`,
      `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/foundry-gateway`,
    ]) {
      expect(await k8s.kube.getOrNull(path, 'read'), path).not.toBeNull();
    }
    await rolledOut();
    expect((await core.call('clusters:list', {}, admin))[0]!.gateway).toMatchObject({ state: 'synced', installedAt: expect.any(String) });

    // No container runtime here: a real gateway process stands in for the pods, loaded from what Foundry put in the cluster.
    const config = (await clusterConfig())!;
    const token = decode((await readSecret())!.data['admin-token']!);
    gateway = await listenGateway(config as never, secretsFrom({ [config.server.admin_token_file!]: token }));
    await k8s.kube.json({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${NS}/deployments/foundry-gateway`,
      query: { fieldManager: 'e2e-test' },
      contentType: 'application/merge-patch+json',
      body: { spec: { template: { metadata: { annotations: { 'sandbox.foundry.dev/forward': `8080=${new URL(gateway.url).host}` } } } } },
      action: 'point the pods at the local gateway',
    });
    await rolledOut();
    const state = await eventually(
      () => callGatewayAdmin<{ api_keys: number; last_reload: unknown }>({ clusters: core.services.clusters, vault: core.services.vault }, id, '/admin/state', { timeoutMs: 3000 }),
      60_000,
      'the gateway through the service proxy',
    );
    expect(state.api_keys).toBe(2);

    // The wrong token is refused by the gateway itself.
    const wrong = () => core.services.clusters.serviceProxy(id, { namespace: NS, service: 'foundry-gateway', port: 'http', path: '/admin/state', headers: { 'x-foundry-admin-token': 'wrong' } });
    // Every endpoint is the local gateway by now, so the answer is the gateway's own refusal, every time.
    for (let i = 0; i < 5; i++) expect((await wrong()).status).toBe(403);
  });
});
