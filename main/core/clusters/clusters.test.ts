import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { createCertificateAuthority } from '../pki/certificates';
import type { TestCore } from '../testing/harness';
import { adminClient, clusterCore, clusterTestsAvailable, kubeconfigOf, startTestSandbox } from './testing';
import { useSandbox } from '../testing/sandbox';
import { KUBECONFIG_SECRET_KIND } from './import';

/** Import, check and removal against a real Kubernetes API server (kube-sandbox, profile "mixed"). */
const available = await clusterTestsAvailable();

const k8s = useSandbox('clusters-import', { when: available });
let kubeconfig: string;
let parsed: { clusters: { name: string; cluster: Record<string, unknown> }[]; users: { name: string; user: Record<string, unknown> }[]; contexts: unknown[] };
let core: TestCore;
let admin: string;

beforeAll(async () => {
  if (!available) return;
  kubeconfig = kubeconfigOf(k8s.sandbox);
  const { loadYaml } = await import('@kubernetes/client-node');
  parsed = loadYaml(kubeconfig);
}, 120_000);
afterEach(async () => core?.dispose());

/** The sandbox kubeconfig with parts replaced, as JSON text. */
function variant(patch: { server?: string; ca?: string; user?: Record<string, unknown>; context?: string }): string {
  const c = parsed.clusters[0]!;
  const u = parsed.users[0]!;
  const name = patch.context ?? k8s.sandbox.name;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: c.name, cluster: { ...c.cluster, ...(patch.server ? { server: patch.server } : {}), ...(patch.ca ? { 'certificate-authority-data': patch.ca } : {}) } }],
    users: [{ name: u.name, user: patch.user ?? u.user }],
    contexts: [{ name, context: { cluster: c.name, user: u.name } }],
    'current-context': name,
  });
}

const importOne = (text: string, name?: string, extra: { allowUnreachable?: boolean } = {}) =>
  core.call('clusters:import', { kubeconfig: text, contexts: [{ context: core.services.clusters.preview(text).currentContext ?? k8s.sandbox.name, name }], ...extra }, admin);

describe.skipIf(!available)('importing a cluster from a kubeconfig (real API server)', () => {
  it('records the context with its server, CA fingerprint and creator, and reads its GPU inventory', async () => {
    ({ core, admin } = await clusterCore());
    const preview = await core.call('clusters:preview', { kubeconfig }, admin);
    expect(preview.contexts).toEqual([expect.objectContaining({ context: k8s.sandbox.name, server: k8s.sandbox.server, authKind: 'client-certificate', problem: null })]);

    const { imported, failed } = await core.call('clusters:import', { kubeconfig, contexts: [{ context: k8s.sandbox.name, name: 'sandbox-a' }] }, admin);
    expect(failed).toEqual([]);
    const ca = Buffer.from(parsed.clusters[0]!.cluster['certificate-authority-data'] as string, 'base64');
    expect(imported[0]).toMatchObject({
      name: 'sandbox-a',
      context: k8s.sandbox.name,
      server: k8s.sandbox.server,
      caFingerprint: new X509Certificate(ca).fingerprint256,
      createdBy: 'ada',
      health: 'ok',
      version: 'v1.33.13',
      nodes: 5,
      readyNodes: 5,
      gateway: null,
    });
    expect(imported[0]!.gpus).toEqual({
      capacity: 24,
      allocatable: 24,
      models: [
        { product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, nodes: 2, capacity: 16, allocatable: 16 },
        { product: 'NVIDIA-A100-SXM4-40GB', memoryMiB: 40960, nodes: 1, capacity: 8, allocatable: 8 },
      ],
    });
    const detail = await core.call('clusters:get', { clusterId: imported[0]!.id }, admin);
    expect(detail.nodeList.map((n) => n.name)).toEqual(['a100-0', 'cpu-0', 'cpu-1', 'h100-0', 'h100-1']);
    expect(detail.nodeList.find((n) => n.name === 'h100-1')).toMatchObject({ ready: true, instanceType: 'p5.48xlarge', zone: 'us-east-1b', gpus: { capacity: 8 } });

    const audit = await core.call('audit:list', { action: 'clusters:import' }, admin);
    expect(JSON.stringify(audit)).not.toContain(parsed.users[0]!.user['client-key-data'] as string);
  });

  it('keeps the kubeconfig only encrypted: no key, certificate or token in the database, its WAL or temp files', async () => {
    ({ core, admin } = await clusterCore());
    const before = new Set(readdirSync(tmpdir()));
    const token = `tok-${Math.random().toString(36).slice(2)}-${'z'.repeat(20)}`;
    await importOne(kubeconfig, 'sandbox-plain');
    // A token user too: the server rejects it, but with allowUnreachable only connection failures are tolerated, so use a fresh name and expect failure.
    await expect(importOne(variant({ user: { token }, context: 'tok' }), 'sandbox-token')).rejects.toMatchObject({ code: 'CLUSTER_UNAUTHORIZED' });

    const key = parsed.users[0]!.user['client-key-data'] as string;
    const keyPem = Buffer.from(key, 'base64').toString('utf8');
    const keyLine = keyPem.split('\n').find((l) => l.length > 40)!;
    const needles = [key.slice(0, 40), keyLine, (parsed.users[0]!.user['client-certificate-data'] as string).slice(0, 40), token];
    const stored = core.services.vault.list(KUBECONFIG_SECRET_KIND);
    expect(stored).toHaveLength(1);
    expect((await core.services.vault.get(stored[0]!.id)).toString()).toContain(key);

    const files = readdirSync(core.home).map((f) => join(core.home, f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    const fresh = readdirSync(tmpdir())
      .filter((f) => !before.has(f))
      .map((f) => join(tmpdir(), f))
      .filter((f) => existsSync(f) && statSync(f).isFile());
    for (const file of [...files, ...fresh]) {
      const bytes = readFileSync(file).toString('latin1');
      for (const needle of needles) expect(bytes.includes(needle), `secret material found in ${file}`).toBe(false);
    }
  });

  it('refuses a duplicate name and a context imported twice, and names an unknown context', async () => {
    ({ core, admin } = await clusterCore());
    await importOne(kubeconfig, 'prod');
    await expect(importOne(kubeconfig, 'PROD')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"prod" is already imported') });
    await expect(importOne(kubeconfig, 'other')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already imported as "prod"') });
    await expect(core.call('clusters:import', { kubeconfig, contexts: [{ context: 'staging' }] }, admin)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'The kubeconfig has no context named "staging".',
      hint: expect.stringContaining(k8s.sandbox.name),
    });
    await expect(core.call('clusters:import', { kubeconfig: 'not: [yaml', contexts: [{ context: 'x' }] }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not valid YAML') });
    await expect(core.call('clusters:import', { kubeconfig, contexts: [{ context: k8s.sandbox.name, name: 'Bad Name!' }] }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('explains an exec credential plugin and says what is supported', async () => {
    ({ core, admin } = await clusterCore());
    const text = variant({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } } });
    await expect(importOne(text)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/exec plugin \(aws\).*client certificates, bearer tokens and basic auth/),
      hint: expect.stringContaining('EKS and AKS'),
    });
  });

  it('reports an unreachable server, a server that never answers, and imports it anyway when asked', async () => {
    ({ core, admin } = await clusterCore({ clusterTimeoutMs: 1500 }));
    const closed = await freePort();
    await expect(importOne(variant({ server: `https://127.0.0.1:${closed}` }), 'gone')).rejects.toMatchObject({
      code: 'CLUSTER_UNREACHABLE',
      message: `Cannot reach the API server of gone at https://127.0.0.1:${closed} (connection refused).`,
      hint: expect.stringContaining('VPN'),
    });
    const silent = await silentServer();
    try {
      await expect(importOne(variant({ server: `https://127.0.0.1:${silent.port}` }), 'silent')).rejects.toMatchObject({ code: 'CLUSTER_UNREACHABLE', message: expect.stringContaining('no answer within 1.5 s') });
    } finally {
      silent.server.close();
    }
    const { imported } = await importOne(variant({ server: `https://127.0.0.1:${closed}` }), 'later', { allowUnreachable: true });
    expect(imported[0]).toMatchObject({ name: 'later', health: 'unreachable', nodes: null, checkError: { code: 'CLUSTER_UNREACHABLE' } });
  });

  it('reports a certificate from another CA, rejected credentials, and missing RBAC rights', async () => {
    ({ core, admin } = await clusterCore());
    const other = await createCertificateAuthority('not-the-sandbox-ca');
    await expect(importOne(variant({ ca: Buffer.from(other.certPem).toString('base64') }), 'mitm')).rejects.toMatchObject({
      code: 'CLUSTER_TLS',
      message: expect.stringContaining("certificate that the kubeconfig's certificate authority did not sign"),
      hint: expect.stringContaining('export a fresh kubeconfig'),
    });
    await expect(importOne(variant({ user: { token: 'not-a-real-token' } }), 'badtoken')).rejects.toMatchObject({ code: 'CLUSTER_UNAUTHORIZED', message: expect.stringContaining('(401)') });

    const token = await serviceAccountToken(k8s.sandbox, 'no-rights');
    await expect(importOne(variant({ user: { token } }), 'norbac')).rejects.toMatchObject({
      code: 'CLUSTER_FORBIDDEN',
      message: expect.stringMatching(/does not allow the kubeconfig's user to list nodes \(403\).*system:serviceaccount:default:no-rights/),
      hint: expect.stringContaining('RBAC'),
    });
  });
});

describe.skipIf(!available)('checking and removing clusters', () => {
  it('keeps the last inventory when a cluster becomes unreachable, without holding up the others', async () => {
    ({ core, admin } = await clusterCore({ clusterTimeoutMs: 1500 }));
    const second = await startTestSandbox('clusters-check-2', 'cpu-only');
    try {
      const a = (await importOne(kubeconfig, 'a')).imported[0]!;
      const b = (await importOne(kubeconfigOf(second), 'b')).imported[0]!;
      expect(b).toMatchObject({ nodes: 3, gpus: { capacity: 0, models: [] } });
      await second.stop();
      const started = Date.now();
      const after = await core.call('clusters:check', {}, admin);
      expect(Date.now() - started).toBeLessThan(8000);
      const byName = Object.fromEntries(after.map((c) => [c.name, c]));
      expect(byName.a).toMatchObject({ health: 'ok', nodes: 5, checkError: null });
      expect(byName.b).toMatchObject({ health: 'unreachable', nodes: 3, inventoryAt: b.inventoryAt, checkError: { code: 'CLUSTER_UNREACHABLE' } });
      expect(a.id).not.toBe(b.id);
    } finally {
      await second.stop();
    }
  });

  it('removes a cluster only when its name is typed, and forgets its kubeconfig', async () => {
    ({ core, admin } = await clusterCore());
    const c = (await importOne(kubeconfig, 'doomed')).imported[0]!;
    await expect(core.call('clusters:remove', { clusterId: c.id, confirmName: 'doome' }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT', hint: expect.stringContaining('keep running') });
    await core.call('clusters:remove', { clusterId: c.id, confirmName: 'doomed' }, admin);
    expect(await core.call('clusters:list', {}, admin)).toEqual([]);
    expect(core.services.vault.list(KUBECONFIG_SECRET_KIND)).toEqual([]);
    await expect(core.call('clusters:get', { clusterId: c.id }, admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets a viewer list and check, but not import or remove', async () => {
    ({ core, admin } = await clusterCore());
    await importOne(kubeconfig, 'seen');
    await core.call('users:create', { username: 'vera', password: 'viewer password 1', role: 'viewer' }, admin);
    const { token } = await core.call('auth:signIn', { username: 'vera', password: 'viewer password 1' });
    expect(await core.call('clusters:list', {}, token)).toHaveLength(1);
    await expect(core.call('clusters:preview', { kubeconfig }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(core.call('clusters:import', { kubeconfig, contexts: [{ context: k8s.sandbox.name }] }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Accepts TCP connections and never says a word (a black-holed API server). */
function silentServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((s) => sockets.add(s)).listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
    server.on('close', () => sockets.forEach((s) => s.destroy()));
    const close = server.close.bind(server);
    server.close = ((cb?: (err?: Error) => void) => {
      sockets.forEach((s) => s.destroy());
      return close(cb);
    }) as typeof server.close;
  });
}

/** A real service-account token (TokenRequest API) for an account with no RBAC bindings. */
async function serviceAccountToken(sandbox: Sandbox, name: string): Promise<string> {
  const client = await adminClient(sandbox);
  await client.json({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { metadata: { name } }, action: 'create service account' });
  const req = await client.json<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/default/serviceaccounts/${name}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    action: 'request a token',
  });
  return req.status.token;
}
