import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../../e2e/fixtures/vllm-sim';
import type { Running } from '../../../../gateway/test-support/harness';
import { clusterCore, clusterTestsAvailable, importSandbox } from '../../clusters/testing';
import { runSyncedGateway } from '../../gateway/testing';
import { useSandbox } from '../../testing/sandbox';
import type { TestCore } from '../../testing/harness';
import type { MeasureEndpointResult } from './job';

/**
 * Measuring a deployed plan through the Foundry gateway of a cluster: the load test reaches the gateway by the
 * cluster's real API server (kube-sandbox) and its service proxy, with the kubeconfig from the vault, and the gateway
 * routes the endpoint's model to the engine (the vLLM simulator). No container runtime here, so a gateway process
 * on this machine, loaded with exactly the config and Secret Foundry synced into the cluster, stands in for the pod
 * (gateway/testing.ts).
 */

const available = await clusterTestsAvailable();
const NS = 'foundry-system';
const UPSTREAM_KEY = 'sk-sim-through-gateway-0123';
const run = { model: 'llama-3.1-8b', clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 1 }] }], workload: { isl: 512, osl: 32 }, concurrency: [4, 16] };

const k8s = useSandbox('measure-through', { when: available, profile: 'cpu-only' });
let core: TestCore;
let admin: string;
let sim: Simulator;
let gateway: Running | undefined;
let clusterId: string;
let key: string;
let otherKey: string;

beforeAll(async () => {
  if (!available) return;
  sim = await startSimulator({ model: 'sim-llama', apiKey: UPSTREAM_KEY, recordLimit: 400 });
  ({ core, admin } = await clusterCore());
  const lab = await core.call('projects:create', { name: 'lab' }, admin);
  const other = await core.call('projects:create', { name: 'other' }, admin);
  key = (await core.call('apikeys:create', { projectId: lab.id, name: 'bench' }, admin)).secret;
  otherKey = (await core.call('apikeys:create', { projectId: other.id, name: 'elsewhere' }, admin)).secret;
  await core.call('endpoints:create', { name: 'llama-8b-lab', kind: 'openai_compatible', baseUrl: `${sim.url}/v1`, upstreamModel: 'sim-llama', apiKey: UPSTREAM_KEY, projectIds: [lab.id] } as never, admin);
  clusterId = await importSandbox(core, admin, k8s.sandbox, 'edge');
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  await gateway?.close();
  await sim?.close();
});

describe.skipIf(!available)("measuring a deployed plan through a cluster's gateway (real API server)", () => {
  it('refuses a cluster whose gateway Foundry never set up, before a job starts', async () => {
    const r = await core.call('optimizer:run', run, admin);
    const err = await core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'llama-8b-lab', concurrency: 2, through: { clusterId: 'edge', apiKey: key } }, admin).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FAILED_PRECONDITION', message: 'Foundry has not put a gateway in edge yet, so nothing there serves "llama-8b-lab".' });
    expect(core.services.jobs.list()).toEqual([]);
    await expect(core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'llama-8b-lab', concurrency: 2, through: { clusterId: 'edge', apiKey: ' ' } }, admin)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: [expect.objectContaining({ path: ['through', 'apiKey'], message: 'give the gateway API key to call it with' })],
    });
  });

  it('measures through the service proxy and the gateway, takes the path off TTFT, and keeps the key out of every record', async () => {
    const sync = await core.call('clusters:syncGateway', { clusterIds: [clusterId] }, admin);
    expect((await core.services.jobs.wait(sync.id)).status).toBe('succeeded');
    gateway = await runSyncedGateway(k8s.kube, NS);

    const r = await core.call('optimizer:run', run, admin);
    const job = await core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'llama-8b-lab', concurrency: [2, 4], requests: 8, through: { clusterId: 'edge', apiKey: key } }, admin);
    expect(job.title).toBe('Measure llama-8b-lab through the gateway in edge: 2, 4 clients');
    const done = await core.services.jobs.wait(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.steps.map((s) => s.name)).toEqual(['Time the path to the gateway', 'Size the prompts', 'Measure at 2 clients', 'Measure at 4 clients']);

    const result = done.result as MeasureEndpointResult;
    expect(result.pathMs).toBeGreaterThan(0);
    expect(result.measurements.map((m) => m.measured.concurrency)).toEqual([2, 4]);
    for (const [n, m] of result.measurements.entries()) {
      // The recorded TTFT is the client's less the path's round trip; the simulator's model puts it at ≥ 45.6 ms.
      expect(m.measured.ttftMs).toBeCloseTo(result.tests[n]!.ttftMs.mean - result.pathMs!, 6);
      expect(m.measured.ttftMs).toBeGreaterThan(40);
      expect(m.measured.tpotMs).toBeGreaterThan(4.9);
      expect(m.note).toMatch(/^Foundry load test of llama-8b-lab through the gateway in edge \(TTFT less its [\d.]+ ms path\): 8 requests, [24] clients$/);
    }

    // The gateway routed the endpoint's model to the engine with the endpoint's own key (from the synced Secret),
    // and passed ignore_eos through; every answer ran to max_tokens.
    const generations = sim.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(generations).toHaveLength(2 + 16);
    for (const q of generations) {
      expect(q.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(q.body).toMatchObject({ model: 'sim-llama', ignore_eos: true, stream: true });
    }
    expect(result.tests.every((t) => t.outputTokens === 32)).toBe(true);

    // The gateway key the user typed reached the job alone.
    const stored = JSON.stringify(core.services.db.prepare('SELECT * FROM jobs').all()) + JSON.stringify(core.services.jobs.logs(job.id)) + JSON.stringify(core.services.audit.list());
    expect(stored).not.toContain(key);
    expect(core.services.jobs.logs(job.id).map((l) => l.message).join('\n')).toMatch(/The path to the gateway in edge takes [\d.]+ ms there and back/);
  });

  it("says so when the key's project may not use the endpoint, or the gateway refuses the key", async () => {
    const r = await core.call('optimizer:run', run, admin);
    const elsewhere = await core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'llama-8b-lab', concurrency: 2, through: { clusterId, apiKey: otherKey } }, admin);
    const refused = await core.services.jobs.wait(elsewhere.id);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'FAILED_PRECONDITION', message: 'The gateway in edge does not serve "llama-8b-lab" to this API key.' });

    const bogus = await core.call('optimizer:measure-endpoint', { runId: r.id, endpointId: 'llama-8b-lab', concurrency: 2, through: { clusterId, apiKey: 'fdy_not-a-real-key-000000000000000000000' } }, admin);
    const unknown = await core.services.jobs.wait(bogus.id);
    expect(unknown.status).toBe('failed');
    expect(unknown.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('The gateway refused the API key (HTTP 401)') });
    expect((await core.call('optimizer:get', { runId: r.id }, admin)).measurements).toEqual([]);
  });
});
