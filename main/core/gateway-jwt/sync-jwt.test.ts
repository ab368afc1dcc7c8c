import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterCore, clusterTestsAvailable, eventually, importSandbox } from '../clusters/testing';
import { useSandbox } from '../testing/sandbox';
import type { TestCore } from '../testing/harness';
import { GATEWAY_CONFIGMAP, GATEWAY_SECRET } from '../gateway/sync-objects';
import { SECRETS_MOUNT } from '../gateway/render';

/**
 * The JWT settings reach a synced cluster by themselves: the audit record of each change sets off
 * the automatic resync, which writes [auth.jwt] into the ConfigMap and the secret into the Secret
 * of a real API server (kube-sandbox), and takes both out again when JWTs are turned off.
 */
const available = await clusterTestsAvailable();
const NS = 'foundry-system';
const SECRET = `jwt-${Math.random().toString(36).slice(2)}-shared-secret-for-the-sync-test`;

const k8s = useSandbox('gateway-jwt', { when: available, profile: 'cpu-only' });
let core: TestCore;
let admin: string;

interface Obj {
  data: Record<string, string>;
}
const config = async () => (await k8s.kube.getOrNull<Obj>(`/api/v1/namespaces/${NS}/configmaps/${GATEWAY_CONFIGMAP}`, 'read'))?.data['config.toml'] ?? '';
const secretData = async () => (await k8s.kube.getOrNull<Obj>(`/api/v1/namespaces/${NS}/secrets/${GATEWAY_SECRET}`, 'read'))?.data ?? {};

beforeAll(async () => {
  if (!available) return;
  ({ core, admin } = await clusterCore());
  const job = await core.call('clusters:syncGateway', { clusterIds: [await importSandbox(core, admin, k8s.sandbox, 'edge')] }, admin);
  expect((await core.services.jobs.wait(job.id)).status).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await core?.dispose();
});

describe.skipIf(!available)('JWT settings in a synced cluster (real API server)', () => {
  it('setting an issuer resyncs: the ConfigMap gets [auth.jwt] naming a Secret file, the secret is only in the Secret', async () => {
    expect(await config()).not.toContain('[auth.jwt]');
    await core.call('gatewayJwt:set', { issuer: 'https://idp.example.com', audience: 'foundry-gateway', hs256Secret: SECRET }, admin);
    const toml = await eventually(async () => ((await config()).includes('[auth.jwt]') ? config() : false), 30_000, '[auth.jwt] in the ConfigMap');
    expect(toml).toContain(`secret_file = "${SECRETS_MOUNT}/jwt-hs256-secret-r1"`);
    expect(toml).not.toContain(SECRET);
    expect(Buffer.from((await secretData())['jwt-hs256-secret-r1']!, 'base64').toString()).toBe(SECRET);
  });

  it('a new secret is a new file (the old one leaves the Secret); disabling takes the section and the file out', async () => {
    await core.call('gatewayJwt:set', { issuer: 'https://idp.example.com', audience: 'foundry-gateway', hs256Secret: `${SECRET}-2` }, admin);
    // A sync writes the Secret before the ConfigMap, so the ConfigMap naming the new file is the sync's end.
    await eventually(async () => (await config()).includes('jwt-hs256-secret-r2'), 30_000, 'the ConfigMap naming the new secret file');
    expect(Object.keys(await secretData())).toContain('jwt-hs256-secret-r2');
    expect(Object.keys(await secretData())).not.toContain('jwt-hs256-secret-r1');

    await core.call('gatewayJwt:disable', { confirm: true }, admin);
    await eventually(async () => !(await config()).includes('[auth.jwt]'), 30_000, '[auth.jwt] gone from the ConfigMap');
    expect(Object.keys(await secretData()).filter((k) => k.startsWith('jwt-'))).toEqual([]);
  });
});
