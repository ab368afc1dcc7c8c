import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, type Running } from '../../../gateway/test-support/harness';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { keychainTestsAvailable, requireInCi, tempDir, useAdminCore } from '../testing/harness';
import { gatewayAdminToken } from '../clusters/secrets';
import { SECRETS_MOUNT } from './render';
import { desiredGatewayConfig, GATEWAY_CONFIGMAP, GATEWAY_SECRET, gatewaySyncObjects } from './sync-objects';
import { desktopIdentity } from './ownership';
import { insertTestCluster } from '../clusters/testing';

/**
 * Why a cluster needs a limits store, shown with real parts: a real redis-server (with a password),
 * the vLLM simulator, and two gateway replicas each started from what a sync applies to its cluster
 * (the ConfigMap's TOML and the Secret's files, mounted from disk). With the store, a project limit
 * of N requests a minute admits exactly N across both replicas together; without it, each replica
 * admits N of its own. Setting a store on running replicas takes effect when they reload (the URL's
 * file is named by revision, so the [limits] section itself changes and the gateway opens the new store).
 */
const haveRedis = requireInCi(spawnSync('redis-server', ['--version']).status === 0, 'redis-server (apt-get install redis-server)');
const available = haveRedis && (await keychainTestsAvailable());

const LIMIT = 4;
const PASSWORD = 'limits-e2e-redis-password-5b0a';
const procs: ChildProcess[] = [];
const gateways: Running[] = [];
const dir = tempDir('foundry-limits-redis-');
const app = useAdminCore({ per: 'file', when: available });
let sim: Simulator;
let redisPort: number;
let key: string;

function waitForLine(child: ChildProcess, re: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d;
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}: ${seen}`)));
  });
}

/** What a sync applies to a cluster: its config, and its Secret's files on a mount as the kubelet lays them out. */
async function applied(clusterId: string) {
  const desired = desiredGatewayConfig(app.services.db, clusterId);
  const secretFiles: Record<string, string> = {};
  for (const [file, id] of Object.entries(desired.providerKeys)) secretFiles[file] = (await app.services.vault.get(id)).toString('utf8');
  const target = { namespace: 'foundry-system', adminToken: await gatewayAdminToken(app.services.vault, clusterId), providerKeys: secretFiles, owner: desktopIdentity(app.services.db) };
  const objects = gatewaySyncObjects(desired, target) as unknown as { kind: string; metadata: { name: string }; data: Record<string, string> }[];
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === GATEWAY_SECRET)!;
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === GATEWAY_CONFIGMAP)!;
  const mount = join(dir.path, clusterId);
  mkdirSync(mount, { recursive: true });
  for (const [name, b64] of Object.entries(secret.data)) writeFileSync(join(mount, name), Buffer.from(b64, 'base64'));
  const parsed = parseGatewayConfig(configMap.data['config.toml']!);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = { ...parsed.value, server: { ...parsed.value.server, host: '127.0.0.1', port: 0 } };
  return { config, secrets: { env: {}, readFile: (p: string) => readFileSync(join(mount, relative(SECRETS_MOUNT, p)), 'utf8') } };
}

/** Two replicas of a cluster's gateway started on what a sync applied. */
async function replicas(clusterId: string): Promise<Running[]> {
  const { config, secrets } = await applied(clusterId);
  const out: Running[] = [];
  for (let i = 0; i < 2; i++) {
    const gw = await listenGateway(config, secrets);
    gateways.push(gw);
    out.push(gw);
  }
  return out;
}

const chat = (gw: Running) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
  }).then(async (r) => {
    await r.text();
    return r.status;
  });

/** 3×LIMIT requests at once, alternating between the two replicas. */
async function burst([a, b]: Running[]): Promise<number[]> {
  return Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => chat(i % 2 ? b! : a!)));
}

beforeAll(async () => {
  if (!available) return;
  redisPort = 20_000 + Math.floor(Math.random() * 30_000);
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(redis);
  await waitForLine(redis, /Ready to accept connections/, 'redis-server');
  sim = await startSimulator({ model: 'llama', zeroDelay: true });
  const project = await app.core.call('projects:create', { name: 'metered' }, app.token);
  await app.core.call('projects:setLimits', { projectId: project.id, requestsPerMinute: LIMIT }, app.token);
  await app.core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: `${sim.url}/v1` }, app.token);
  key = (await app.core.call('apikeys:create', { projectId: project.id, name: 'svc' }, app.token)).secret;
}, 60_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await sim?.close();
  for (const p of procs) p.kill('SIGTERM');
  dir.remove();
});

describe.skipIf(!available)('a project limit across two gateway replicas', () => {
  it(`with the cluster's Redis limits store, ${LIMIT} requests a minute admit exactly ${LIMIT} across both replicas together`, async () => {
    const id = await insertTestCluster(app.core, 'shared');
    await app.core.call('clusters:setLimitsStore', { clusterId: id, redisUrl: `redis://:${PASSWORD}@127.0.0.1:${redisPort}/0` }, app.token);
    const statuses = await burst(await replicas(id));
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * LIMIT);
  });

  it(`without one, each replica admits ${LIMIT} on its own: ${2 * LIMIT} in all; once a store is set, the running replicas reload onto it`, async () => {
    const id = await insertTestCluster(app.core, 'apart');
    const running = await replicas(id);
    const statuses = await burst(running);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2 * LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT);

    // Database 1: a keyspace the first test's buckets are not in. The replicas reload the config a sync would apply.
    await app.core.call('clusters:setLimitsStore', { clusterId: id, redisUrl: `redis://:${PASSWORD}@127.0.0.1:${redisPort}/1` }, app.token);
    const { config } = await applied(id);
    expect(config.limits).toMatchObject({ backend: 'redis', redis_url_file: `${SECRETS_MOUNT}/limits-redis-url-r1` });
    for (const gw of running) expect(await gw.gateway.reload(config)).toEqual({ ok: true });
    const shared = await burst(running);
    expect(shared.filter((s) => s === 200)).toHaveLength(LIMIT);
  });
});
