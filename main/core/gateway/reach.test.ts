import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import type { Running } from '../../../gateway/test-support/harness';
import { clusterCore, clusterTestsAvailable, eventually, importSandbox } from '../clusters/testing';
import { runSyncedGateway } from './testing';
import { useSandbox } from '../testing/sandbox';
import type { TestCore } from '../testing/harness';
import type { CoreEvent } from '../transport';
import type { PlaygroundEvent } from '../playground/types';

/**
 * The desktop reaching the gateway inside an imported cluster — the Playground chatting with it and the
 * Clusters page reading its live state — through that cluster's real
 * API server (kube-sandbox) and its service proxy, with the kubeconfig from the vault. There is no
 * container runtime here, so a gateway process on this machine stands in for the pod (the sandbox's
 * dialer sends the pod's traffic to it), loaded from the config Foundry synced into the cluster.
 */

const available = await clusterTestsAvailable();
const NS = 'foundry-system';

const k8s = useSandbox('playground', { when: available, profile: 'cpu-only' });
let core: TestCore;
let admin: string;
let sim: Simulator;
let gateway: Running | undefined;
let clusterId: string;
let key: string;
const events: CoreEvent[] = [];

beforeAll(async () => {
  if (!available) return;
  sim = await startSimulator({ model: 'sim-model', latency: { ttftBaseMs: 20, tpotBaseMs: 3 } });
  ({ core, admin } = await clusterCore());
  core.services.events.subscribe({ session: admin, role: 'admin' }, (e) => events.push(e));
  const project = await core.call('projects:create', { name: 'chat' }, admin);
  key = (await core.call('apikeys:create', { projectId: project.id, name: 'playground' }, admin)).secret;
  clusterId = await importSandbox(core, admin, k8s.sandbox, 'edge');
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  await gateway?.close();
  await sim?.close();
});

const of = (requestId: string) => events.filter((e): e is PlaygroundEvent => e.kind === 'playground' && e.requestId === requestId);

/** A gateway loaded from what Foundry synced; routes come from deployments, which this test has none of: point the model at the simulator. */
const runGatewayPod = async () => {
  gateway = await runSyncedGateway(k8s.kube, NS, (config) => ({ ...config, providers: { sim: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } }, models: { 'llama-sim': { targets: [{ provider: 'sim', model: 'sim-model' }] } } }));
};

describe.skipIf(!available)("a cluster's gateway, reached from the desktop (real API server)", () => {
  it('refuses a cluster whose gateway Foundry never set up, and a call naming both a URL and a cluster', async () => {
    expect(await core.call('playground:gateways', {}, admin)).toEqual([]);
    await expect(core.call('playground:models', { clusterId, apiKey: key }, admin)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: 'Foundry has not put a gateway in edge yet.' });
    await expect(core.call('playground:models', { clusterId, baseUrl: 'http://127.0.0.1:1', apiKey: key }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(core.call('playground:models', { apiKey: key }, admin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('says the cluster has no running gateway while its Service has no pod to answer', async () => {
    const job = await core.call('clusters:syncGateway', { clusterIds: [clusterId] }, admin);
    expect((await core.services.jobs.wait(job.id)).status).toBe('succeeded');
    expect(await core.call('playground:gateways', {}, admin)).toEqual([{ clusterId, name: 'edge', namespace: NS, installedAt: null, state: 'synced' }]);
    const err = await core.call('playground:models', { clusterId, apiKey: key }, admin).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/^edge has no running gateway to answer \(API server: .*foundry-gateway.*\)\.$/) });
    await expect(core.call('clusters:gatewayState', { clusterId }, admin)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', hint: expect.stringContaining('Install it from the Clusters page') });
  });

  it('lists the models and streams an answer through the service proxy, with the key the desktop issued', async () => {
    await runGatewayPod();
    const models = await eventually(() => core.call('playground:models', { clusterId, apiKey: key }, admin).catch(() => undefined), 30_000, 'the gateway behind the Service');
    expect(models).toEqual([{ id: 'llama-sim', ownedBy: 'foundry' }]);

    const started = await core.call('playground:chat', { clusterId, apiKey: key, model: 'llama-sim', messages: [{ role: 'user', content: 'hello through the API server' }], maxTokens: 8 }, admin);
    expect(started.curl).toContain(`kubectl --context '${k8s.sandbox.name}' -n '${NS}' port-forward svc/foundry-gateway 8080:http &`);
    expect(started.curl).not.toContain(key);
    await expect.poll(() => of(started.requestId).some((e) => e.done), { timeout: 15_000 }).toBe(true);
    const done = of(started.requestId).find((e) => e.done)!;
    expect(done.error).toBeUndefined();
    const text = of(started.requestId).map((e) => e.delta ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    // Streamed, not buffered by the API server: the text arrived in several events, before the end.
    expect(of(started.requestId).filter((e) => e.delta).length).toBeGreaterThan(1);
    expect(done.stats).toMatchObject({ outputTokens: 8, tokensFrom: 'usage', finishReason: 'length' });
    expect(done.stats!.ttftMs).toBeGreaterThan(0);
    expect(done.stats!.overheadMs).not.toBeNull();
  });

  it('a key the gateway does not know is refused by the gateway, not mistaken for a cluster credential problem', async () => {
    const err = await core.call('playground:models', { clusterId, apiKey: 'fdy_not-a-real-key-000000000000000000000' }, admin).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('The gateway refused the API key (HTTP 401)') });
  });

  it("reads the gateway's live state with the admin token from the vault", async () => {
    const state = await core.call('clusters:gatewayState', { clusterId: 'edge' }, admin);
    expect(state).toMatchObject({ clusterId, apiKeys: 1, inFlightStreams: 0, lastReload: { ok: true } });
    expect(state.models).toEqual([
      { name: 'llama-sim', strategy: expect.any(String), targets: [expect.objectContaining({ provider: 'sim', kind: 'openai_compatible', breaker: 'closed', outstanding: 0 })] },
    ]);
    // The chat above went through this target, so its latency average is a real number.
    expect(state.models[0]!.targets[0]!.ewmaMs).toBeGreaterThan(0);
  });
});
