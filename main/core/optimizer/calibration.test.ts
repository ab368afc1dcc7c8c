import { describe, expect, it } from 'vitest';
import { useAdminCore } from '../testing/harness';

const app = useAdminCore();

const request = {
  model: 'llama-3.1-70b',
  clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 8 }] }],
  workload: { isl: 2048, osl: 256 },
  slo: { tpotMs: 80 },
  concurrency: [16, 32, 64],
};
const same = (a: { gpu: string; tp: number; pp: number; attentionDp?: number }, b: typeof a) => a.gpu === b.gpu && a.tp === b.tp && a.pp === b.pp && (a.attentionDp ?? 1) === (b.attentionDp ?? 1);

describe('runs calibrated with what deployments measured', () => {
  it("predicts a measured deployment at the measured level, leaves the others alone, and says what calibrated it", async () => {
    const preview = (model: string, backend: 'vllm' | 'sglang' = 'vllm') => app.core.call('optimizer:calibration', { model, backend }, app.token);
    expect(await preview('llama-3.1-70b')).toEqual({ measurements: 0, deployments: 0 });

    const plain = await app.core.call('optimizer:run', request, app.token);
    const plan = plain.recommended!;
    const m = await app.core.call('optimizer:measure', { runId: plain.id, concurrency: plan.maxConcurrency, ttftMs: plan.prediction.ttftMs * 1.5, tpotMs: plan.prediction.tpotMs * 0.8 }, app.token);
    // Any name of the model counts; another engine's runs do not.
    expect(await preview('meta-llama/Llama-3.1-70B-Instruct')).toEqual({ measurements: 1, deployments: 1 });
    expect(await preview('llama-3.1-70b', 'sglang')).toEqual({ measurements: 0, deployments: 0 });

    const cal = await app.core.call('optimizer:run', { ...request, calibrate: true }, app.token);
    expect(cal.request.calibrate).toBe(true);
    expect(cal.result.calibration!.points.map((p) => p.source)).toEqual([m.id]);
    for (const p of cal.result.plans) {
      const before = plain.result.plans.find((q) => same(q, p) && q.maxConcurrency === p.maxConcurrency)!;
      if (same(p, plan)) {
        expect(p.prediction.calibration).toMatchObject({ ttftFactor: expect.closeTo(1.5, 9), tpotFactor: expect.closeTo(0.8, 9), points: 1, basis: 'same prompt lengths' });
        expect(p.prediction.ttftMs).toBeCloseTo(before.prediction.ttftMs * 1.5, 6);
      } else {
        expect(p.prediction.calibration).toBeUndefined();
        expect(p.prediction.ttftMs).toBe(before.prediction.ttftMs);
      }
    }
    expect(cal.result.calibration!.plans).toBe(cal.result.plans.filter((p) => same(p, plan)).length);
    expect(app.services.audit.list()[0]).toMatchObject({ action: 'optimizer:run', target: cal.id, details: { calibratedBy: [m.id] } });

    // A calibrated run is compared with what it predicted: calibration included.
    const index = cal.result.plans.findIndex((p) => same(p, plan) && p.maxConcurrency === plan.maxConcurrency);
    const calPlan = cal.result.plans[index]!;
    const again = await app.core.call('optimizer:measure', { runId: cal.id, planIndex: index, concurrency: plan.maxConcurrency, ttftMs: calPlan.prediction.ttftMs, tpotMs: calPlan.prediction.tpotMs }, app.token);
    expect(again.errorPct.ttft).toBeCloseTo(0, 6);
    expect(again.errorPct.tpot).toBeCloseTo(0, 6);
    // That measurement is now a point too, of the same deployment, and it agrees with the first.
    expect(await preview('llama-3.1-70b')).toEqual({ measurements: 2, deployments: 1 });
    const twice = await app.core.call('optimizer:run', { ...request, calibrate: true }, app.token);
    expect(twice.result.recommended!.prediction.ttftMs).toBeCloseTo(cal.result.recommended!.prediction.ttftMs, 6);
  });

  it('runs uncalibrated unless asked, and says so when there is nothing to calibrate with', async () => {
    const none = await app.core.call('optimizer:run', { ...request, model: 'llama-3.1-8b', calibrate: true }, app.token);
    expect(none.result.calibration).toEqual({ points: [], plans: 0 });
    const plain = await app.core.call('optimizer:run', request, app.token);
    expect(plain.request.calibrate).toBe(false);
    expect(plain.result.calibration).toBeUndefined();
    await expect(app.core.call('optimizer:calibration', { model: 'llama-3.1-70b', backend: 'tgi' } as never, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
