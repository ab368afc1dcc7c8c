import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrationFor, calibrationPoint, deploymentKey, type CalibrationPoint } from './calibration.js';
import { NEWEST_ENGINE_RELEASES } from './correction/default.js';
import { comparePlan, planCalibrationPoint, planPredictRequest } from './plan-check.js';
import { predict, type PredictRequest } from './perf/predict.js';
import { optimize, type OptimizeRequest, type Plan } from './search.js';

const req: OptimizeRequest = {
  model: 'llama-3.1-70b',
  clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 8 }] }],
  workload: { isl: 2048, osl: 256 },
  precision: { weights: 'fp8' },
  backend: 'vllm',
  space: { tp: [2, 4], pp: [1], concurrency: [16, 32, 64] },
};
const find = (plans: Plan[], tp: number, conc: number) => plans.find((p) => p.tp === tp && p.maxConcurrency === conc)!;
const load = (conc: number, isl = 2048, osl = 256) => ({ concurrency: conc, isl, osl });

describe('calibrating predictions with what a deployment measured', () => {
  const plain = optimize(req).plans;
  const measured = find(plain, 4, 32);
  // The deployment measured TTFT 1.5× and TPOT 0.8× what was predicted for it at 32 clients.
  const point = planCalibrationPoint(req, measured, { ...load(32), ttftMs: measured.prediction.ttftMs * 1.5, tpotMs: measured.prediction.tpotMs * 0.8 }, 'm1');

  it('turns a measurement into the log of measured over predicted, for its deployment', () => {
    expect(point.ttftLog).toBeCloseTo(Math.log(1.5), 9);
    expect(point.tpotLog).toBeCloseTo(Math.log(0.8), 9);
    expect(point.deployment).toBe(`meta-llama/Llama-3.1-70B-Instruct | h100_sxm | vllm ${NEWEST_ENGINE_RELEASES.vllm} | fp8/fp8/fp8 | tp4 pp1 dp1 ep1`);
    expect(point).toMatchObject({ isl: 2048, osl: 256, concurrency: 32, source: 'm1' });
  });

  it("moves the measured deployment's plans onto the measurement, and no other layout's", () => {
    const result = optimize({ ...req, calibration: [point] });
    const again = find(result.plans, 4, 32);
    expect(again.prediction.ttftMs).toBeCloseTo(measured.prediction.ttftMs * 1.5, 6);
    expect(again.prediction.tpotMs).toBeCloseTo(measured.prediction.tpotMs * 0.8, 6);
    expect(again.prediction.calibration).toEqual({ ttftFactor: expect.closeTo(1.5, 9), tpotFactor: expect.closeTo(0.8, 9), points: 1, basis: 'same prompt lengths', ttftBasis: 'same prompt lengths' });
    // One point: the same factor at every other load of that deployment.
    for (const conc of [16, 64]) expect(find(result.plans, 4, conc).prediction.ttftMs).toBeCloseTo(find(plain, 4, conc).prediction.ttftMs * 1.5, 6);
    for (const conc of [16, 32, 64]) expect(find(result.plans, 2, conc).prediction).toEqual(find(plain, 2, conc).prediction);
    expect(result.calibration).toEqual({ points: [point], plans: 3 });
    expect(optimize(req).calibration).toBeUndefined();
  });

  it('keeps the breakdown as predicted and shows the calibration as its own signed term', () => {
    const p = find(optimize({ ...req, calibration: [point] }).plans, 4, 32).prediction;
    const b = find(plain, 4, 32).prediction.breakdown;
    expect(p.breakdown.ttft.roofline).toBe(b.ttft.roofline);
    expect(p.breakdown.ttft.calibration).toBeCloseTo(p.ttftMs - measured.prediction.ttftMs, 6);
    expect(p.breakdown.tpot.calibration).toBeLessThan(0);
  });

  it("stretches throughput with the requests' lifetimes: a closed loop's clients wait for their answers", () => {
    const pr: PredictRequest = planPredictRequest(req, measured, load(32));
    const p = predict(pr);
    const slower = applyCalibration(p, 256, { ttftFactor: 2, tpotFactor: 2, points: 1, basis: 'same prompt lengths', ttftBasis: 'same prompt lengths' });
    expect(slower.e2eMs).toBeCloseTo(p.e2eMs * 2, 6);
    expect(slower.outputTokensPerSec).toBeCloseTo(p.outputTokensPerSec / 2, 6);
    expect(slower.requestsPerSec).toBeCloseTo(p.requestsPerSec / 2, 6);
    expect(slower.perUserTokensPerSec).toBeCloseTo(p.perUserTokensPerSec / 2, 6);
  });

  it('interpolates between measured loads in log clients, and holds the end values beyond them', () => {
    const pr = planPredictRequest(req, measured, load(16));
    const pts = [16, 64].map((c, i) => calibrationPoint({ ...pr, workload: load(c) }, { ttftMs: 100, tpotMs: 10 }, { ttftMs: i ? 400 : 100, tpotMs: 10 }));
    const at = (c: number) => calibrationFor(pts, { ...pr, workload: load(c) })!.ttftFactor;
    expect(at(16)).toBeCloseTo(1, 9);
    expect(at(32)).toBeCloseTo(2, 9); // halfway in log clients between ×1 and ×4
    expect(at(64)).toBeCloseTo(4, 9);
    expect(at(4)).toBeCloseTo(1, 9);
    expect(at(512)).toBeCloseTo(4, 9);
  });

  it('calibrates TPOT from the nearest measured prompt lengths, and TTFT only from the same input length', () => {
    const pr = planPredictRequest(req, measured, load(32));
    const at = (isl: number, osl: number, ttft: number, tpot: number) => calibrationPoint({ ...pr, workload: load(32, isl, osl) }, { ttftMs: 100, tpotMs: 10 }, { ttftMs: 100 * ttft, tpotMs: 10 * tpot });
    const pts = [at(1024, 256, 1.2, 0.9), at(8192, 1024, 3, 0.5)];
    // 2,048 input tokens were never measured: TPOT from the nearest lengths (1,024 / 256), TTFT as predicted.
    expect(calibrationFor(pts, { ...pr, workload: load(32, 2048, 256) })).toEqual({ ttftFactor: 1, tpotFactor: expect.closeTo(0.9, 9), points: 1, basis: 'other prompt lengths', ttftBasis: 'none' });
    // Measured at 2,048 in with another output length: that sets TTFT; TPOT still from the nearest lengths.
    const more = [...pts, at(2048, 1024, 1.5, 0.7)];
    expect(calibrationFor(more, { ...pr, workload: load(32, 2048, 256) })).toEqual({ ttftFactor: expect.closeTo(1.5, 9), tpotFactor: expect.closeTo(0.9, 9), points: 2, basis: 'other prompt lengths', ttftBasis: 'same input length' });
    expect(calibrationFor(more, { ...pr, workload: load(32, 8192, 1024) })).toMatchObject({ ttftFactor: expect.closeTo(3, 9), basis: 'same prompt lengths', ttftBasis: 'same prompt lengths', points: 1 });
    expect(calibrationFor(pts, { ...pr, layout: { tp: 2 } })).toBeNull();
  });

  it('tells deployments apart by model, GPU, precision, engine, release and layout', () => {
    const pr = planPredictRequest(req, measured, load(32));
    const keys = [pr, { ...pr, gpu: 'h200_sxm' }, { ...pr, precision: { weights: 'bf16' as const } }, { ...pr, engine: { ...pr.engine, backend: 'sglang' } }, { ...pr, engine: { ...pr.engine, version: '0.12.0' } }, { ...pr, layout: { tp: 4, pp: 2 } }, { ...pr, model: 'llama-3.1-8b' }].map(deploymentKey);
    expect(new Set(keys).size).toBe(keys.length);
    // The load and the engine's batch limit are not part of the deployment; a release not named is the newest known.
    expect(deploymentKey({ ...pr, workload: load(8, 512, 64), engine: { ...pr.engine, maxNumSeqs: 8 } })).toBe(keys[0]);
    expect(deploymentKey({ ...pr, engine: { ...pr.engine, version: NEWEST_ENGINE_RELEASES.vllm } })).toBe(keys[0]);
  });

  it('compares a calibrated run with a measurement as it predicted, calibration included', () => {
    const calReq = { ...req, calibration: [point] };
    const plan = find(optimize(calReq).plans, 4, 64);
    const c = comparePlan(calReq, plan, { ...load(64), ttftMs: plan.prediction.ttftMs, tpotMs: plan.prediction.tpotMs });
    expect(c.errorPct.ttft).toBeCloseTo(0, 9);
    expect(c.errorPct.tpot).toBeCloseTo(0, 9);
  });

  it('can change the recommendation: a layout measured slower than predicted loses its place under the SLO', () => {
    // Loose enough that some plan of either layout meets it.
    const slo = { ...req, slo: { tpotMs: Math.max(find(plain, 2, 16).prediction.tpotMs, find(plain, 4, 16).prediction.tpotMs) * 1.05 } };
    const before = optimize(slo).recommended!;
    const tooSlow = planCalibrationPoint(slo, before, { ...load(before.maxConcurrency), ttftMs: before.prediction.ttftMs, tpotMs: before.prediction.tpotMs * 3 });
    const after = optimize({ ...slo, calibration: [tooSlow] });
    expect(after.recommended).not.toBeNull();
    expect(after.recommended!.tp).not.toBe(before.tp);
    expect(after.rejected.some((r) => r.tp === before.tp && r.maxConcurrency === before.maxConcurrency && r.kind === 'misses_tpot_slo')).toBe(true);
  });

  it('refuses a measurement that is not a positive time', () => {
    const pr = planPredictRequest(req, measured, load(32));
    expect(() => calibrationPoint(pr, { ttftMs: 100, tpotMs: 10 }, { ttftMs: 0, tpotMs: 10 })).toThrow(/measured TTFT must be a positive number of ms \(got 0\)/);
    expect(() => planCalibrationPoint(req, measured, { ...load(32), ttftMs: 100, tpotMs: Number.NaN })).toThrow(/tpotMs must be a positive number/);
  });

  it('never goes beyond the measured factors (property)', () => {
    const pr = planPredictRequest(req, measured, load(32));
    fc.assert(
      fc.property(fc.array(fc.record({ c: fc.integer({ min: 1, max: 1024 }), t: fc.double({ min: -2, max: 2, noNaN: true }) }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4096 }), (pts, c) => {
        const points: CalibrationPoint[] = pts.map((p) => ({ deployment: deploymentKey(pr), isl: 2048, osl: 256, concurrency: p.c, ttftLog: p.t, tpotLog: -p.t }));
        const f = calibrationFor(points, { ...pr, workload: load(c) })!;
        const lo = Math.exp(Math.min(...pts.map((p) => p.t)));
        const hi = Math.exp(Math.max(...pts.map((p) => p.t)));
        return f.ttftFactor >= lo * (1 - 1e-9) && f.ttftFactor <= hi * (1 + 1e-9) && f.points === pts.length;
      }),
    );
  });
});
