import { describe, expect, it } from 'vitest';
import { useAdminCore } from '../testing/harness';

const app = useAdminCore();

const request = {
  model: 'llama-3.1-70b',
  clusters: [
    { name: 'eks-prod', gpus: [{ gpu: 'h100_sxm', count: 16 }] },
    { name: 'onprem', gpus: [{ gpu: 'NVIDIA-A100-SXM4-80GB', count: 8, pricePerGpuHour: 1.1 }] },
  ],
  workload: { isl: 1024, osl: 256 },
  slo: { ttftMs: 2000, tpotMs: 80, targetRequestsPerSec: 2 },
};

describe('optimizer through the channel table', () => {
  it('recommends a plan, keeps the run, and audits it', async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    expect(run.recommended).not.toBeNull();
    expect(['eks-prod', 'onprem']).toContain(run.recommended!.cluster);
    expect(run.recommended!.meetsSlo).toBe(true);
    expect(run.result.pareto.length).toBeGreaterThan(0);
    expect(run.result.rejected.every((r) => r.reason.length > 0)).toBe(true);
    const saved = await app.core.call('optimizer:get', { runId: run.id }, app.token);
    expect(saved.result.pareto).toEqual(run.result.pareto);
    const [summary] = await app.core.call('optimizer:runs', {}, app.token);
    expect(summary).toMatchObject({ id: run.id, workload: request.workload, slo: request.slo, backend: 'vllm' });
    // The contract the page relies on: kind codes beside reasons, the plan's memory, the library's own accuracy.
    expect(run.result.rejected.every((r) => r.kind.length > 0)).toBe(true);
    expect(saved.recommended!.memory.fits).toBe(true);
    expect(saved.recommended!.memory.maxConcurrency).toBeGreaterThanOrEqual(saved.recommended!.maxConcurrency);
    expect(saved.result.accuracy.heldOutModel.tpot.medianApe).toBeGreaterThan(0);
    expect(app.services.audit.list()[0]).toMatchObject({ action: 'optimizer:run', target: run.id });
  });

  it('plans attention DP for an MoE model unless asked not to', async () => {
    const moe = { ...request, model: 'qwen3-30b-a3b', clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 8 }] }], slo: {} };
    const withDp = await app.core.call('optimizer:run', moe, app.token);
    expect(withDp.result.plans.some((p) => (p.attentionDp ?? 1) > 1)).toBe(true);
    const without = await app.core.call('optimizer:run', { ...moe, attentionDp: false }, app.token);
    expect(without.result.plans.some((p) => (p.attentionDp ?? 1) > 1)).toBe(false);
    expect(without.request.attentionDp).toBe(false);
  });

  it('plans the concurrency values it is given (deduplicated, sorted), and searches a large grid with NSGA-II', async () => {
    const listed = await app.core.call('optimizer:run', { ...request, concurrency: [64, 8, 64, 16] }, app.token);
    expect(listed.request.concurrency).toEqual([8, 16, 64]);
    expect(new Set(listed.result.plans.map((p) => p.maxConcurrency))).toEqual(new Set([8, 16, 64]));
    expect(listed.result.search.method).toBe('enumeration');
    const grid = await app.core.call('optimizer:run', { ...request, concurrency: Array.from({ length: 1024 }, (_, i) => i + 1) }, app.token);
    expect(grid.result.search).toMatchObject({ method: 'nsga2', predicted: 2000 });
    expect(grid.recommended).not.toBeNull();
    await expect(app.core.call('optimizer:run', { ...request, concurrency: [0] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('concurrency') });
  });

  it("passes the engine's memory knob to the plans, and refuses a share above 1", async () => {
    const run = await app.core.call('optimizer:run', { ...request, backend: 'trtllm', memoryFraction: 0.5 }, app.token);
    expect(run.result.plans[0]!.memory.budget).toEqual({ rule: 'trtllm', knob: 'free_gpu_memory_fraction', fraction: 0.5 });
    await expect(app.core.call('optimizer:run', { ...request, memoryFraction: 1.5 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('at most 1') });
  });

  it('names the unknown model or GPU and lists what is known', async () => {
    await expect(app.core.call('optimizer:run', { ...request, model: 'llama-9000' }, app.token)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('llama-9000'),
      hint: expect.stringContaining('meta-llama/Llama-3.1-8B-Instruct'),
    });
    await expect(app.core.call('optimizer:run', { ...request, clusters: [{ name: 'x', gpus: [{ gpu: 'rtx-9090', count: 1 }] }] }, app.token)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('clusters.x'),
    });
    await expect(app.core.call('optimizer:run', { ...request, clusters: [request.clusters[0]!, request.clusters[0]!] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await app.core.call('optimizer:runs', {}, app.token)).toEqual([]);
  });

  it('plans for a named engine release, and refuses one that is not a release number', async () => {
    const oldRelease = await app.core.call('optimizer:run', { ...request, engineVersion: '0.11.2' }, app.token);
    const newest = await app.core.call('optimizer:run', request, app.token);
    expect(oldRelease.request.engineVersion).toBe('0.11.2');
    expect(oldRelease.recommended).not.toBeNull();
    // The release reaches the predictions: the same plan is predicted differently on another release.
    const same = oldRelease.result.plans.find((p) => p.cluster === newest.recommended!.cluster && p.gpu === newest.recommended!.gpu && p.tp === newest.recommended!.tp && p.pp === newest.recommended!.pp && p.maxConcurrency === newest.recommended!.maxConcurrency);
    expect(same).toBeDefined();
    expect(same!.prediction.tpotMs).not.toBe(newest.recommended!.prediction.tpotMs);
    await expect(app.core.call('optimizer:run', { ...request, engineVersion: 'latest' }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('0.19.0') });
  });

  it('explains when nothing fits', async () => {
    const run = await app.core.call('optimizer:run', { ...request, model: 'llama-3.1-405b', clusters: [{ name: 'small', gpus: [{ gpu: 'l4', count: 2 }] }] }, app.token);
    expect(run.recommended).toBeNull();
    expect(run.result.noPlanReason).toBeTruthy();
    expect(run.result.rejected.some((r) => /GiB|memory/i.test(r.reason))).toBe(true);
  });

  it('lets testers view runs but not start them', async () => {
    await app.core.call('users:create', { username: 'tess', password: 'tester password', role: 'tester' }, app.token);
    const tester = (await app.core.call('auth:signIn', { username: 'tess', password: 'tester password' })).token;
    await expect(app.core.call('optimizer:run', request, tester)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.core.call('optimizer:catalog', {}, tester)).gpus.length).toBeGreaterThan(10);
  });
});
