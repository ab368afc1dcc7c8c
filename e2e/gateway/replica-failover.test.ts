// Two gateway processes behind one Kubernetes Service of a real API server (the kube sandbox), under
// steady load through the Service: one replica leaves the way Kubernetes takes a pod away (endpoint
// removed, preStop wait, SIGTERM, drain), then one crashes (SIGKILL). Counts failed requests in each case.
// Skipped without the sandbox binary, except in CI, where that fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../fixtures/vllm-sim';
import { findSandboxBinary, startSandbox, type Sandbox } from '../sandbox/sandbox';
import { apiKey } from '../../gateway/test-support/harness';

const binary = await findSandboxBinary();
const inCI = process.env.CI === 'true';
const root = resolve(__dirname, '../..');
const NS = 'foundry-system';
const key = apiKey('k-load', 'load');
/** What the manifests' preStop hook waits (5 s there) before the kubelet sends SIGTERM; shorter here. */
const PRE_STOP_MS = 1_500;
/** How long the kubelet's readiness probe takes to notice a dead process (period × failureThreshold). */
const PROBE_DETECTION_MS = 1_500;

interface Replica {
  name: string;
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

interface LoadResult {
  at: number;
  status: number;
}

function startGateway(configDir: string, name: string): Promise<Replica> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'gateway/src/main.ts'), '--config', configDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`gateway ${name} did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /"address":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ name, proc, url: m[1]!, exited });
      }
    });
    proc.once('exit', (c) => rej(new Error(`gateway ${name} exited ${c}: ${out}`)));
  });
}

async function servedOk(replica: Replica): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('foundry_gateway_requests_total{') && l.includes('status="200"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe.skipIf(!binary && !inCI)('gateway replicas behind a Service', () => {
  let sb: Sandbox;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let sim: Simulator;
  let configDir: string;
  let agent: Agent;
  let tls: RequestOptions;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    if (!binary) throw new Error('CI=true but kube-sandbox is not built: run `bash e2e/sandbox/build.sh` before the tests');
    sb = await startSandbox({ profile: 'cpu-only', name: 'failover', binary });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    // A few ms per request so that requests are in flight whenever a replica goes away.
    sim = await startSimulator({ model: 'm', latency: { ttftBaseMs: 5, tpotBaseMs: 1 } });
    configDir = mkdtempSync(join(tmpdir(), 'fdy-failover-'));
    writeFileSync(
      join(configDir, 'config.toml'),
      [
        '[server]',
        'host = "127.0.0.1"',
        'port = 0',
        'access_log = false',
        'shutdown_grace_ms = 10000',
        '[[auth.api_keys]]',
        `id = "${key.entry.id}"`,
        `project = "${key.entry.project}"`,
        `hash = "${key.entry.hash}"`,
        '[providers.sim]',
        'kind = "openai_compatible"',
        `base_url = "${sim.url}/v1"`,
        '[models.m]',
        '[[models.m.targets]]',
        'provider = "sim"',
        '',
      ].join('\n'),
    );
    tls = { method: 'POST' };
    await kc.applyToHTTPSOptions(tls);
    agent = new Agent({ keepAlive: true, maxSockets: 16, ca: tls.ca, cert: tls.cert, key: tls.key });
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'gateway' }, spec: { selector: { app: 'gateway' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
  }, 180_000);

  afterAll(async () => {
    for (const r of replicas) r.proc.kill('SIGKILL');
    agent?.destroy();
    await sim?.close();
    await sb?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }, 60_000);

  /** Runs a replica and its pod; the sandbox's dialer sends the pod's traffic to the local process. */
  async function addReplica(name: string): Promise<Replica> {
    const replica = await startGateway(configDir, name);
    replicas.push(replica);
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name, labels: { app: 'gateway' }, annotations: { 'sandbox.foundry.dev/forward': `8080=${replica.url.replace('http://', '')}` } },
        spec: { containers: [{ name: 'gateway', image: 'foundry/gateway:test', ports: [{ containerPort: 8080 }] }] },
      },
    });
    return replica;
  }

  async function readyEndpoints(): Promise<string[]> {
    const ep = await core.readNamespacedEndpoints({ name: 'gateway', namespace: NS }).catch(() => null);
    return (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name ?? '?')).sort();
  }

  async function untilEndpoints(names: string[], timeoutMs = 30_000): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (JSON.stringify(await readyEndpoints()) === JSON.stringify([...names].sort())) return Date.now();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`endpoints never became ${names.join(', ')} (now: ${(await readyEndpoints()).join(', ')})`);
  }

  function chatThroughService(): Promise<number> {
    const url = new URL(`/api/v1/namespaces/${NS}/services/gateway:80/proxy/v1/chat/completions`, kc.getCurrentCluster()!.server);
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'ping' }], max_tokens: 4 });
    return new Promise((res) => {
      const req = request(url, { ...tls, agent, headers: { 'content-type': 'application/json', 'x-api-key': key.key } }, (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
        r.on('error', () => res(-1));
      });
      req.setTimeout(15_000, () => req.destroy());
      req.on('error', () => res(-1));
      req.end(body);
    });
  }

  /** `clients` closed-loop clients for a second, until `during` resolves, then for `tailMs`. */
  async function underLoad(clients: number, during: () => Promise<void>, tailMs = 1_000): Promise<LoadResult[]> {
    const results: LoadResult[] = [];
    let running = true;
    const loops = Array.from({ length: clients }, async () => {
      while (running) results.push({ status: await chatThroughService(), at: Date.now() });
    });
    await new Promise((r) => setTimeout(r, 1_000));
    await during();
    await new Promise((r) => setTimeout(r, tailMs));
    running = false;
    await Promise.all(loops);
    return results;
  }

  it('loses no request when a replica is taken away the Kubernetes way (endpoint removed, preStop, SIGTERM, drain)', async () => {
    const a = await addReplica('gateway-a');
    const b = await addReplica('gateway-b');
    await untilEndpoints(['gateway-a', 'gateway-b']);

    let removedAt = 0;
    const results = await underLoad(8, async () => {
      const before = await servedOk(a);
      await new Promise((r) => setTimeout(r, 500));
      expect(await servedOk(a)).toBeGreaterThan(before); // the Service really spreads load to both
      await core.deleteNamespacedPod({ name: 'gateway-a', namespace: NS, gracePeriodSeconds: 0 });
      removedAt = await untilEndpoints(['gateway-b']);
      await new Promise((r) => setTimeout(r, PRE_STOP_MS));
      a.proc.kill('SIGTERM');
      expect(await a.exited).toBe(0);
    });

    const failed = results.filter((r) => r.status !== 200);
    console.log(`graceful: ${results.length} requests, ${failed.length} failed; endpoint gone ${removedAt ? 'before' : 'never'} SIGTERM`);
    expect(results.length).toBeGreaterThan(100);
    expect(failed).toEqual([]);
    expect(await servedOk(b)).toBeGreaterThan(0);
  }, 120_000);

  it('after a crash (SIGKILL), fails only until the endpoint is withdrawn, then serves everything from the survivor', async () => {
    const c = await addReplica('gateway-c');
    await untilEndpoints(['gateway-b', 'gateway-c']);

    let killedAt = 0;
    let withdrawnAt = 0;
    const results = await underLoad(8, async () => {
      c.proc.kill('SIGKILL');
      killedAt = Date.now();
      await c.exited;
      // The kubelet's readiness probe would now fail; here the pod goes, which withdraws the endpoint alike.
      await new Promise((r) => setTimeout(r, PROBE_DETECTION_MS));
      await core.deleteNamespacedPod({ name: 'gateway-c', namespace: NS, gracePeriodSeconds: 0 });
      withdrawnAt = await untilEndpoints(['gateway-b']);
    }, 3_000);

    const failed = results.filter((r) => r.status !== 200);
    const window = withdrawnAt - killedAt;
    console.log(`crash: ${results.length} requests, ${failed.length} failed (statuses ${[...new Set(failed.map((f) => f.status))].join(',')}), in the ${window} ms from SIGKILL to endpoint withdrawn, none after`);
    // Requests routed to the dead pod fail fast with the API server's 503, never hang or reach a client as a 200 with garbage.
    expect(failed.every((f) => f.status === 503)).toBe(true);
    // None fails once the endpoint is gone (allowing 1 s for the API server's endpoint cache to follow).
    expect(failed.filter((f) => f.at > withdrawnAt + 1_000)).toEqual([]);
    expect(results.filter((r) => r.at > withdrawnAt + 1_000 && r.status === 200).length).toBeGreaterThan(20);
  }, 120_000);
});
