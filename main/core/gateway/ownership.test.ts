import { afterEach, describe, expect, it } from 'vitest';
import type { TestCore } from '../testing/harness';
import { clusterCore, clusterTestsAvailable, eventually, importSandbox } from '../clusters/testing';
import { useSandbox } from '../testing/sandbox';
import { OWNED_ELSEWHERE, OWNER_ANNOTATION, OWNER_HOST_ANNOTATION } from './ownership';
import { GATEWAY_SECRET, SECRET_DATA_LIMIT, gatewaySyncObjects, type DesiredGatewayConfig } from './sync-objects';

/** Two desktops, one cluster: the second never silently replaces the first one's keys and admin token. */
const available = await clusterTestsAvailable();

const NS = 'foundry-system';
const k8s = useSandbox('gateway-owner', { when: available, cleanNamespace: NS });
const cores: TestCore[] = [];

afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.dispose()));
});

interface Secret {
  data: Record<string, string>;
  metadata: { annotations?: Record<string, string> };
}
const readSecret = async () => (await k8s.kube.getOrNull<Secret>(`/api/v1/namespaces/${NS}/secrets/${GATEWAY_SECRET}`, 'read'))!;
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

/** A desktop with its own database and vault, with the sandbox imported. */
async function desktop() {
  const { core, admin } = await clusterCore();
  cores.push(core);
  const id = await importSandbox(core, admin, k8s.sandbox, 'shared');
  const sync = async (takeOver = false) => core.services.jobs.wait((await core.call('clusters:syncGateway', { clusterIds: [id], takeOver }, admin)).id);
  const adminToken = async () => (await core.services.vault.getByName('gateway-admin-token', id)).toString();
  const gateway = async () => (await core.call('clusters:list', {}, admin))[0]!.gateway!;
  return { core, admin, id, sync, adminToken, gateway };
}

describe.skipIf(!available)('gateway ownership (real API server)', () => {
  it('refuses a second desktop, keeps the first one’s token, and lets the second take over only when asked', async () => {
    const a = await desktop();
    const b = await desktop();
    expect((await a.sync()).status).toBe('succeeded');
    const owned = await readSecret();
    expect(owned.metadata.annotations).toMatchObject({ [OWNER_ANNOTATION]: expect.any(String), [OWNER_HOST_ANNOTATION]: expect.any(String) });
    expect(decode(owned.data['admin-token']!)).toBe(await a.adminToken());

    const refused = await b.sync();
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'CONFLICT', message: expect.stringContaining('belongs to another Foundry desktop') } });
    expect(refused.error!.hint).toContain('take over');
    expect(await b.gateway()).toMatchObject({ state: 'failed', error: { code: 'CONFLICT', details: { reason: OWNED_ELSEWHERE, marked: true } } });
    // Nothing of A's was touched.
    expect(decode((await readSecret()).data['admin-token']!)).toBe(await a.adminToken());

    const taken = await b.sync(true);
    expect(taken.status).toBe('succeeded');
    const logs = await b.core.call('jobs:get', { jobId: taken.id }, b.admin);
    expect(logs.logs.map((l) => l.message).join('\n')).toContain('taking the gateway over from');
    const now = await readSecret();
    expect(decode(now.data['admin-token']!)).toBe(await b.adminToken());
    expect(now.metadata.annotations![OWNER_ANNOTATION]).not.toBe(owned.metadata.annotations![OWNER_ANNOTATION]);

    // The first desktop is now the other one: its next sync (or automatic resync) is refused, not a tug of war.
    expect(await a.sync()).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(decode((await readSecret()).data['admin-token']!)).toBe(await b.adminToken());
  });

  it('a take-over is audited, and an automatic resync never takes over', async () => {
    const a = await desktop();
    const b = await desktop();
    await a.sync();
    await b.sync(true);
    const records = await b.core.call('audit:list', { action: 'clusters:syncGateway' }, b.admin);
    expect(records.map((r) => r.details.takeOver)).toEqual([true]);

    // A key change on A starts an automatic resync, which must fail rather than take the cluster back.
    const project = await a.core.call('projects:create', { name: 'auto' }, a.admin);
    await a.core.call('apikeys:create', { projectId: project.id, name: 'k' }, a.admin);
    const auto = await eventually(async () => (await a.core.call('jobs:list', {}, a.admin)).find((j) => j.title.includes('changed') && j.status !== 'running' && j.status !== 'queued'), 20_000, 'the automatic resync');
    expect(auto).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(decode((await readSecret()).data['admin-token']!)).toBe(await b.adminToken());
  });

  it('refuses a Secret of the same name that no desktop marked, saying whose it looks like', async () => {
    await k8s.kube.json({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: NS } }, action: 'create namespace' });
    await k8s.kube.json({
      method: 'POST',
      path: `/api/v1/namespaces/${NS}/secrets`,
      body: { metadata: { name: GATEWAY_SECRET }, data: { 'admin-token': Buffer.from('theirs').toString('base64') } },
      action: 'create a foreign Secret',
    });
    const a = await desktop();
    const refused = await a.sync();
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'CONFLICT', message: expect.stringContaining('something other than Foundry') } });
    expect(await a.gateway()).toMatchObject({ error: { details: { reason: OWNED_ELSEWHERE, marked: false } } });
    expect(decode((await readSecret()).data['admin-token']!)).toBe('theirs');
    expect((await a.sync(true)).status).toBe('succeeded');
  });
});

describe('the gateway Secret size', () => {
  const desired: DesiredGatewayConfig = { toml: '', configHash: 'x', apiKeys: [], providerKeys: {}, caFiles: {}, limitsBackend: 'memory' };
  const target = { namespace: NS, adminToken: 't', providerKeys: {}, owner: { id: 'd', host: 'h' } };

  it('refuses to build a Secret the API server would reject, naming the largest entries', () => {
    const big = 'x'.repeat(SECRET_DATA_LIMIT / 2);
    expect(() => gatewaySyncObjects({ ...desired, caFiles: { 'ca-one.pem': big, 'ca-two.pem': big } }, target)).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/over the 1024 KiB .*largest: ca-one\.pem 512 KiB, ca-two\.pem 512 KiB/) }),
    );
    expect(gatewaySyncObjects({ ...desired, caFiles: { 'ca-one.pem': big } }, target).map((o) => o.kind)).toEqual(['Namespace', 'Secret', 'ConfigMap']);
  });
});
