import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import type { TestCore } from '../testing/harness';
import { adminClient, clusterCore, clusterTestsAvailable, eventually, kubeconfigOf, startTestSandbox } from '../clusters/testing';
import type { KubeClient } from '../clusters/kube-client';
import { GATEWAY_CONFIGMAP, GATEWAY_SECRET } from './sync-objects';

/**
 * A cluster's limits store reaches that cluster alone: two real API servers (kube-sandbox), one with
 * a Redis URL set. Its ConfigMap gets [limits] on Redis naming a file, the URL itself is only in its
 * Secret; the other cluster keeps counting in memory. A new URL resyncs only the cluster it belongs to.
 */
const available = await clusterTestsAvailable();

const NS = 'foundry-system';
const PASSWORD = 'sync-limits-password-41c7';
const URL_1 = `redis://:${PASSWORD}@redis.foundry-system.svc:6379/0`;
const URL_2 = `rediss://default:${PASSWORD}@redis.example.com:6380/1`;
let east: Sandbox;
let west: Sandbox;
let kubes: Record<'east' | 'west', KubeClient>;
let core: TestCore;
let admin: string;

beforeAll(async () => {
  if (!available) return;
  [east, west] = await Promise.all([startTestSandbox('limits-east'), startTestSandbox('limits-west', 'cpu-only')]);
  kubes = { east: await adminClient(east), west: await adminClient(west) };
}, 180_000);
afterAll(async () => {
  await core?.dispose();
  await Promise.all([east?.stop(), west?.stop()]);
});

interface Obj {
  data: Record<string, string>;
}
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');
const configMap = (c: 'east' | 'west') => kubes[c].getOrNull<Obj>(`/api/v1/namespaces/${NS}/configmaps/${GATEWAY_CONFIGMAP}`, 'read');
const secret = (c: 'east' | 'west') => kubes[c].getOrNull<Obj>(`/api/v1/namespaces/${NS}/secrets/${GATEWAY_SECRET}`, 'read');
async function limitsIn(c: 'east' | 'west') {
  const cm = await configMap(c);
  const parsed = parseGatewayConfig(cm!.data['config.toml']!);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return { limits: parsed.value.limits, toml: cm!.data['config.toml']! };
}
const limitKeys = async (c: 'east' | 'west') => Object.keys((await secret(c))!.data).filter((k) => k.startsWith('limits-'));

describe.skipIf(!available)('limits store sync (real API servers)', () => {
  it("puts the URL only in that cluster's Secret and [limits] only in its ConfigMap; a new URL or a clear resyncs that cluster alone", async () => {
    ({ core, admin } = await clusterCore());
    const ids: Record<string, string> = {};
    for (const [name, sb] of [['east', east], ['west', west]] as const) {
      ids[name] = (await core.call('clusters:import', { kubeconfig: kubeconfigOf(sb), contexts: [{ context: sb.name, name }] }, admin)).imported[0]!.id;
    }
    await core.call('clusters:setLimitsStore', { clusterId: ids.east!, redisUrl: URL_1 }, admin);
    const job = await core.call('clusters:syncGateway', {}, admin);
    expect((await core.services.jobs.wait(job.id)).status).toBe('succeeded');

    const eastNow = await limitsIn('east');
    expect(eastNow.limits).toEqual({ backend: 'redis', redis_url_file: '/etc/foundry-gateway/secrets/limits-redis-url-r1', key_prefix: 'fdy' });
    expect(eastNow.toml).not.toContain(PASSWORD);
    expect(decode((await secret('east'))!.data['limits-redis-url-r1']!)).toBe(URL_1);
    expect((await limitsIn('west')).limits.backend).toBe('memory');
    expect(await limitKeys('west')).toEqual([]);
    expect(JSON.stringify((await secret('west'))!.data).includes(Buffer.from(PASSWORD).toString('base64').slice(0, 12))).toBe(false);
    const listed = await core.call('clusters:list', {}, admin);
    expect(listed.map((c) => [c.name, c.gateway?.state, c.limitsStore?.backend ?? 'memory'])).toEqual([
      ['east', 'synced', 'redis'],
      ['west', 'synced', 'memory'],
    ]);
    const westApplied = listed[1]!.gateway!.appliedAt;

    // A new URL: east alone is out of date, and the auto resync (triggered by the audited change) fixes east alone.
    await core.call('clusters:setLimitsStore', { clusterId: ids.east!, redisUrl: URL_2 }, admin);
    await eventually(async () => (await limitKeys('east')).join() === 'limits-redis-url-r2', 20_000, 'the new URL in east');
    expect(decode((await secret('east'))!.data['limits-redis-url-r2']!)).toBe(URL_2);
    await eventually(async () => (await limitsIn('east')).limits.redis_url_file === '/etc/foundry-gateway/secrets/limits-redis-url-r2', 20_000, 'east naming the new file');
    await eventually(async () => (await core.call('clusters:list', {}, admin)).every((c) => c.gateway?.state === 'synced'), 20_000, 'both clusters synced');
    const auto = (await core.call('jobs:list', {}, admin)).filter((j) => j.createdBy === 'foundry');
    expect(auto.map((j) => j.title)).toEqual([expect.stringMatching(/^Resync gateway config to east \(/)]);
    expect((await core.call('clusters:list', {}, admin))[1]!.gateway!.appliedAt).toBe(westApplied);

    await core.call('clusters:clearLimitsStore', { clusterId: ids.east! }, admin);
    await eventually(async () => (await limitKeys('east')).length === 0, 20_000, 'the URL gone from east');
    // The sync applies the Secret before the ConfigMap (a new URL's file exists before the config names it), so
    // the Secret can be seen cleared a moment before the ConfigMap is.
    await eventually(async () => (await limitsIn('east')).limits.backend === 'memory', 20_000, 'east counting in memory again');
    await eventually(async () => (await core.call('clusters:list', {}, admin))[0]!.gateway?.state === 'synced', 20_000, 'east synced');
    // Both clusters now have the same config again.
    const [a, b] = await Promise.all([configMap('east'), configMap('west')]);
    expect(a!.data['config.toml']).toBe(b!.data['config.toml']);
  });
});
