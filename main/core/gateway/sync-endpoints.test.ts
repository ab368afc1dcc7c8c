import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { loadConfigFile } from '../../../gateway/src/config/watch';
import { listenGateway, logSink, type Running } from '../../../gateway/test-support/harness';
import { clusterCore, clusterTestsAvailable, eventually, importSandbox, putBehindGatewayService } from '../clusters/testing';
import { useSandbox } from '../testing/sandbox';
import { tempDir, type TestCore } from '../testing/harness';
import type { CoreEvent } from '../transport';
import type { PlaygroundEvent } from '../playground/types';
import { GATEWAY_CONFIGMAP, GATEWAY_NAME, GATEWAY_SECRET } from './sync-objects';
import { SECRETS_MOUNT } from './render';

/**
 * An endpoint registered on the desktop, served by a cluster's gateway: the desktop syncs the
 * config (ConfigMap) and the provider key (Secret) into a real API server (kube-sandbox); a gateway
 * process stands in for the pod, loaded only from those two objects written to disk the way the
 * kubelet mounts them; the Playground chats through the API server's service proxy with a key the
 * desktop issued, and the answer comes from the vLLM simulator, which checks the provider key.
 */

const available = await clusterTestsAvailable();
const NS = 'foundry-system';
const SIM_KEY = `vllm-key-${Math.random().toString(36).slice(2)}-private`;
const SIM2_KEY = `vllm-key-${Math.random().toString(36).slice(2)}-rotated`;

const k8s = useSandbox('endpoints', { when: available, profile: 'cpu-only' });
let core: TestCore;
let admin: string;
let sim: Simulator;
let sim2: Simulator;
let gateway: Running | undefined;
let clusterId: string;
let clientKey: string;
let endpointId: string;
const mount = tempDir('foundry-gateway-pod-');
const access = logSink();
const events: CoreEvent[] = [];

interface Obj {
  data: Record<string, string>;
}
const readConfigMap = () => k8s.kube.getOrNull<Obj>(`/api/v1/namespaces/${NS}/configmaps/${GATEWAY_CONFIGMAP}`, 'read');
const readSecret = () => k8s.kube.getOrNull<Obj>(`/api/v1/namespaces/${NS}/secrets/${GATEWAY_SECRET}`, 'read');
const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

/** What the kubelet does on every sync: the ConfigMap and Secret become files, swapped as a whole. */
async function mountFromCluster(): Promise<string> {
  const cm = (await readConfigMap())!;
  const secret = (await readSecret())!;
  for (const d of ['config', 'secrets']) rmSync(join(mount.path, d), { recursive: true, force: true });
  mkdirSync(join(mount.path, 'config'), { recursive: true });
  mkdirSync(join(mount.path, 'secrets'), { recursive: true });
  writeFileSync(join(mount.path, 'config', 'config.toml'), cm.data['config.toml']!);
  for (const [k, v] of Object.entries(secret.data)) writeFileSync(join(mount.path, 'secrets', k), Buffer.from(v, 'base64'));
  return join(mount.path, 'config');
}

/** Loads the mounted config exactly as the gateway's entry point does; only the listen address is local. */
async function loadMounted() {
  const loaded = await loadConfigFile(await mountFromCluster());
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return { ...loaded.config, server: { ...loaded.config.server, host: '127.0.0.1', port: 0 } };
}

const podSecrets = { env: {}, readFile: (p: string) => readFileSync(join(mount.path, 'secrets', relative(SECRETS_MOUNT, p)), 'utf8') };

async function runGatewayPod(): Promise<void> {
  gateway = await listenGateway(await loadMounted(), podSecrets, { accessLog: access.stream });
  await putBehindGatewayService(k8s.kube, NS, GATEWAY_NAME, gateway.url);
}

const of = (requestId: string) => events.filter((e): e is PlaygroundEvent => e.kind === 'playground' && e.requestId === requestId);

async function chatThroughCluster(model: string): Promise<string> {
  const started = await core.call('playground:chat', { clusterId, apiKey: clientKey, model, messages: [{ role: 'user', content: 'hello from the desktop' }], maxTokens: 6 }, admin);
  await expect.poll(() => of(started.requestId).some((e) => e.done), { timeout: 20_000 }).toBe(true);
  const done = of(started.requestId).find((e) => e.done)!;
  expect(done.error).toBeUndefined();
  return of(started.requestId).map((e) => e.delta ?? '').join('');
}

beforeAll(async () => {
  if (!available) return;
  sim = await startSimulator({ model: 'meta-llama/Llama-3.1-8B-Instruct', apiKey: SIM_KEY, latency: { ttftBaseMs: 10, tpotBaseMs: 2 } });
  sim2 = await startSimulator({ model: 'meta-llama/Llama-3.1-8B-Instruct', apiKey: SIM2_KEY, zeroDelay: true });
  ({ core, admin } = await clusterCore());
  core.services.events.subscribe({ session: admin, role: 'admin' }, (e) => events.push(e));
  const project = await core.call('projects:create', { name: 'chat' }, admin);
  clientKey = (await core.call('apikeys:create', { projectId: project.id, name: 'playground' }, admin)).secret;
  clusterId = await importSandbox(core, admin, k8s.sandbox, 'edge');
  const job = await core.call('clusters:syncGateway', { clusterIds: [clusterId] }, admin);
  expect((await core.services.jobs.wait(job.id)).status).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  await gateway?.close();
  await sim?.close();
  await sim2?.close();
  mount.remove();
});

describe.skipIf(!available)('an endpoint served through a cluster gateway (real API server)', () => {
  it('registering it resyncs the cluster: the key goes into the Secret only, the ConfigMap names its file', async () => {
    const e = await core.call('endpoints:create', { name: 'llama-private', kind: 'openai_compatible', baseUrl: `${sim.url}/v1`, upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', apiKey: SIM_KEY }, admin);
    endpointId = e.id;
    const toml = await eventually(async () => (await readConfigMap())?.data['config.toml']?.includes('llama-private') && (await readConfigMap())!.data['config.toml'], 30_000, 'the endpoint in the ConfigMap');
    expect(toml).not.toContain(SIM_KEY);
    const keyFile = `endpoint-${e.id}.key-r1`;
    expect(toml).toContain(`api_key_file = "${SECRETS_MOUNT}/${keyFile}"`);
    const secret = (await readSecret())!;
    expect(decode(secret.data[keyFile]!)).toBe(SIM_KEY);
    // The automatic resync the audit record of endpoints:create set off (it records success just after applying).
    const auto = await eventually(async () => (await core.call('jobs:list', {}, admin)).find((j) => j.title.includes('endpoints changed') && j.status === 'succeeded'), 20_000, 'the resync job');
    expect(auto.createdBy).toBe('foundry');
    await eventually(async () => (await core.call('clusters:list', {}, admin))[0]!.gateway!.state === 'synced', 20_000, 'the cluster marked synced');
  });

  it('the Playground chats with it through the service proxy; the simulator checked the provider key', async () => {
    await runGatewayPod();
    const models = await eventually(() => core.call('playground:models', { clusterId, apiKey: clientKey }, admin).catch(() => undefined), 30_000, 'the gateway behind the Service');
    expect(models).toEqual([{ id: 'llama-private', ownedBy: 'foundry' }]);
    const before = sim.stats.completed;
    expect((await chatThroughCluster('llama-private')).length).toBeGreaterThan(0);
    expect(sim.stats.completed).toBe(before + 1);
    expect(sim.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SIM_KEY}`);
  });

  it('replacing the key and the URL resyncs; the old key file is gone from the Secret and the gateway uses the new one', async () => {
    await core.call('endpoints:update', { endpointId, baseUrl: `${sim2.url}/v1`, apiKey: SIM2_KEY }, admin);
    const r2 = `endpoint-${endpointId}.key-r2`;
    const secret = await eventually(async () => ((await readSecret())?.data[r2] ? readSecret() : undefined), 30_000, 'the new key in the Secret');
    expect(decode(secret!.data[r2]!)).toBe(SIM2_KEY);
    expect(Object.keys(secret!.data).filter((k) => k.startsWith('endpoint-'))).toEqual([r2]);
    await eventually(async () => (await readConfigMap())!.data['config.toml']!.includes(sim2.url), 30_000, 'the new URL in the ConfigMap');
    expect((await gateway!.gateway.reload(await loadMounted()))).toEqual({ ok: true });
    expect((await chatThroughCluster('llama-private')).length).toBeGreaterThan(0);
    expect(sim2.stats.completed).toBe(1);
  });

  it('the keys appear in no ConfigMap, SQLite file, job log, audit record or gateway access log', async () => {
    const toml = (await readConfigMap())!.data['config.toml']!;
    const jobs = await core.call('jobs:list', {}, admin);
    const logs = await Promise.all(jobs.map((j) => core.call('jobs:get', { jobId: j.id }, admin)));
    const audit = await core.call('audit:list', { limit: 500 }, admin);
    const files = readdirSync(core.home).map((f) => join(core.home, f)).filter((f) => existsSync(f));
    expect(files.some((f) => f.endsWith('foundry.db-wal'))).toBe(true);
    expect(access.lines.length).toBeGreaterThan(0);
    for (const key of [SIM_KEY, SIM2_KEY]) {
      expect(toml).not.toContain(key);
      expect(JSON.stringify(logs)).not.toContain(key);
      expect(JSON.stringify(audit)).not.toContain(key);
      expect(access.raw()).not.toContain(key);
      const needles = [key, Buffer.from(key).toString('base64').slice(0, 16), Buffer.from(key, 'utf16le').toString('latin1')];
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1');
        for (const n of needles) expect(bytes.includes(n), `key found in ${file}`).toBe(false);
      }
    }
    expect(audit.filter((a) => a.action.startsWith('endpoints:')).map((a) => a.action)).toEqual(['endpoints:update', 'endpoints:create']);
  });

  it('removing it resyncs: the model and its key leave the cluster', async () => {
    await core.call('endpoints:remove', { endpointId, confirmName: 'llama-private' }, admin);
    await eventually(async () => !(await readConfigMap())!.data['config.toml']!.includes('llama-private'), 30_000, 'the endpoint gone from the ConfigMap');
    await eventually(async () => !Object.keys((await readSecret())!.data).some((k) => k.startsWith('endpoint-')), 30_000, 'the key gone from the Secret');
    expect((await gateway!.gateway.reload(await loadMounted()))).toEqual({ ok: true });
    expect(await core.call('playground:models', { clusterId, apiKey: clientKey }, admin)).toEqual([]);
  });
});
