import { describe, expect, it } from 'vitest';
import { useAdminCore } from '../testing/harness';

const app = useAdminCore();

const request = {
  model: 'llama-3.1-70b',
  clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 8 }] }],
  workload: { isl: 2048, osl: 256 },
  slo: { tpotMs: 80 },
  concurrency: [16, 64],
};

describe('measurements of deployed plans', () => {
  it("compares what the recommended plan measured with its prediction at the measured load, keeps it with the run, and audits it", async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    const plan = run.recommended!;
    const m = await app.core.call('optimizer:measure', { runId: run.id, concurrency: plan.maxConcurrency, ttftMs: plan.prediction.ttftMs / 2, tpotMs: plan.prediction.tpotMs, outputTokensPerSec: plan.prediction.outputTokensPerSec * 1.25, note: 'genai-perf, 10 min' }, app.token);
    expect(m.plan).toMatch(/^lab · h100_sxm · tp\d pp\d · \d+ seqs$/);
    expect(m.measured).toMatchObject({ concurrency: plan.maxConcurrency, isl: 2048, osl: 256 });
    // Measured at the plan's own load, the stored prediction is the plan's: the errors are the ones put in.
    expect(m.predicted.ttftMs).toBeCloseTo(plan.prediction.ttftMs, 6);
    expect(m.errorPct.ttft).toBeCloseTo(100, 6);
    expect(m.errorPct.tpot).toBeCloseTo(0, 6);
    expect(m.errorPct.throughput).toBeCloseTo(-20, 6);
    expect(m.note).toBe('genai-perf, 10 min');

    const saved = await app.core.call('optimizer:get', { runId: run.id }, app.token);
    expect(saved.measurements).toEqual([m]);
    expect(saved.measured).toBe(1);
    expect((await app.core.call('optimizer:runs', {}, app.token)).find((r) => r.id === run.id)!.measured).toBe(1);
    expect(app.services.audit.list()[0]).toMatchObject({ action: 'optimizer:measure', target: run.id, actor: 'ada' });
  });

  it('measures any plan of the run at another load and other prompt lengths', async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    const index = run.result.plans.findIndex((p) => p.maxConcurrency === 64);
    const m = await app.core.call('optimizer:measure', { runId: run.id, planIndex: index, concurrency: 8, isl: 512, osl: 128, ttftMs: 120, tpotMs: 18 }, app.token);
    expect(m.planIndex).toBe(index);
    expect(m.measured).toEqual({ concurrency: 8, isl: 512, osl: 128, ttftMs: 120, tpotMs: 18, outputTokensPerSec: null });
    expect(m.errorPct.throughput).toBeNull();
    // Fewer clients and shorter prompts than planned: the prediction is for that load, not the plan's.
    expect(m.predicted.ttftMs).toBeLessThan(run.result.plans[index]!.prediction.ttftMs);
  });

  it('removes a measurement typed by mistake, and says what is wrong with bad input', async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    const m = await app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token);
    await app.core.call('optimizer:measurement-delete', { measurementId: m.id }, app.token);
    expect((await app.core.call('optimizer:get', { runId: run.id }, app.token)).measurements).toEqual([]);
    await expect(app.core.call('optimizer:measurement-delete', { measurementId: m.id }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await expect(app.core.call('optimizer:measure', { runId: 'opt_nope', concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.core.call('optimizer:measure', { runId: run.id, planIndex: 9999, concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/planIndex 9999: the run has \d+ plans/) });
    await expect(app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 0, tpotMs: 25 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('TTFT must be above 0 ms') });
    await expect(app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 300, tpotMs: 25, extra: 1 } as never, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await app.core.call('optimizer:get', { runId: run.id }, app.token)).measurements).toEqual([]);
  });

  it('needs a plan index when the run recommended nothing', async () => {
    const run = await app.core.call('optimizer:run', { ...request, slo: { tpotMs: 0.001 } }, app.token);
    expect(run.recommended).toBeNull();
    await expect(app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', hint: expect.stringContaining('planIndex') });
    expect((await app.core.call('optimizer:measure', { runId: run.id, planIndex: 0, concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token)).planIndex).toBe(0);
  });

  it('lets testers read measurements but not record or remove them', async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    const m = await app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 300, tpotMs: 25 }, app.token);
    await app.core.call('users:create', { username: 'tess', password: 'tester password', role: 'tester' }, app.token);
    const tester = (await app.core.call('auth:signIn', { username: 'tess', password: 'tester password' })).token;
    expect((await app.core.call('optimizer:get', { runId: run.id }, tester)).measurements).toHaveLength(1);
    await expect(app.core.call('optimizer:measure', { runId: run.id, concurrency: 16, ttftMs: 300, tpotMs: 25 }, tester)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.core.call('optimizer:measurement-delete', { measurementId: m.id }, tester)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('imports benchmark result files all or nothing, and names the file and key that are wrong', async () => {
    const run = await app.core.call('optimizer:run', request, app.token);
    const result = (c: number) => ({ backend: 'vllm', max_concurrency: c, completed: 10 * c, total_input_tokens: 10 * c * 2048, total_output_tokens: 10 * c * 256, mean_ttft_ms: 200 + c, mean_tpot_ms: 20 + c / 8, output_throughput: 30 * c });
    const good = { name: 'sweep.jsonl', text: [8, 16].map((c) => JSON.stringify(result(c))).join('\n') };
    const bad = { name: 'c64.json', text: JSON.stringify({ ...result(64), mean_ttft_ms: -1 }) };
    await expect(app.core.call('optimizer:measure-import', { runId: run.id, files: [good, bad] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('c64.json: mean_ttft_ms is -1') });
    // Past the parser, the schema's limits apply too: still nothing is recorded.
    const tooMany = { name: 'huge.json', text: JSON.stringify({ ...result(8), max_concurrency: 100_000 }) };
    await expect(app.core.call('optimizer:measure-import', { runId: run.id, files: [good, tooMany] }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/huge\.json.*concurrency/) });
    expect((await app.core.call('optimizer:get', { runId: run.id }, app.token)).measurements).toEqual([]);

    const list = await app.core.call('optimizer:measure-import', { runId: run.id, files: [good] }, app.token);
    expect(list.map((m) => [m.measured.concurrency, m.measured.isl, m.measured.osl, m.measured.outputTokensPerSec])).toEqual([[8, 2048, 256, 240], [16, 2048, 256, 480]]);
    expect(list[0]!.note).toBe('vllm bench, 80 requests (sweep.jsonl)');
    expect((await app.core.call('optimizer:get', { runId: run.id }, app.token)).measurements).toHaveLength(2);
    expect(app.services.audit.list()[0]).toMatchObject({ action: 'optimizer:measure-import', target: run.id });
  });
});
