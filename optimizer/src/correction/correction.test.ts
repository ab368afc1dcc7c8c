import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import parity from '../../data/correction-parity.json';
import { getGpu } from '../gpus.js';
import { getModel } from '../models.js';
import { DEFAULT_COEFFICIENTS } from '../perf/coefficients.js';
import { predict } from '../perf/predict.js';
import { DEFAULT_CORRECTION } from './default.js';
import { CORRECTION_FEATURES } from './features.js';
import { correctionFactors, margin, parseCorrection, type Correction } from './model.js';

describe('learned correction: TypeScript evaluator', () => {
  it('agrees with xgboost’s own margins to 1e-4 on the parity sample written at training time', () => {
    const p = parity as { x: number[][]; ttft: number[]; tpot: number[] };
    expect(p.x.length).toBeGreaterThan(100);
    let worst = 0;
    p.x.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(margin(DEFAULT_CORRECTION.ttft, x) - p.ttft[i]!), Math.abs(margin(DEFAULT_CORRECTION.tpot, x) - p.tpot[i]!));
    });
    expect(worst).toBeLessThan(1e-4);
    // The sample must exercise the trees, not just the base score.
    expect(new Set(p.tpot.map((v) => v.toFixed(4))).size).toBeGreaterThan(10);
  });

  it('walks a hand-made tree: left when float32(x) < threshold, missing values by the default direction', () => {
    const tree = { feature: [3, -1, -1], condition: [10, -0.5, 0.25], left: [1, -1, -1], right: [2, -1, -1], missingLeft: [true, false, false] };
    const e = { baseScore: 0.1, trees: [tree] };
    const x = new Array(CORRECTION_FEATURES.length).fill(0);
    expect(margin(e, Object.assign([...x], { 3: 9.99 }))).toBeCloseTo(-0.4, 12);
    expect(margin(e, Object.assign([...x], { 3: 10 }))).toBeCloseTo(0.35, 12);
    expect(margin(e, Object.assign([...x], { 3: NaN }))).toBeCloseTo(-0.4, 12);
  });

  it('clips the factor to e^±clip so the physics is adjusted, never replaced', () => {
    const big = { baseScore: 5, trees: [] };
    const c: Correction = { ...DEFAULT_CORRECTION, clip: 1.1, scale: { ttft: 1, tpot: 1 }, ttft: big, tpot: { baseScore: -5, trees: [] } };
    const f = correctionFactors(c, new Array(CORRECTION_FEATURES.length).fill(0));
    expect(f.ttft).toBeCloseTo(Math.exp(1.1), 9);
    expect(f.tpot).toBeCloseTo(Math.exp(-1.1), 9);
  });

  it('applies only its scale’s share of each log factor, before clipping', () => {
    const c: Correction = { ...DEFAULT_CORRECTION, clip: 1.1, scale: { ttft: 0.75, tpot: 0.5 }, ttft: { baseScore: 0.4, trees: [] }, tpot: { baseScore: -2, trees: [] } };
    const f = correctionFactors(c, new Array(CORRECTION_FEATURES.length).fill(0));
    expect(f.ttft).toBeCloseTo(Math.exp(0.3), 9);
    expect(f.tpot).toBeCloseTo(Math.exp(-1), 9);
    expect(correctionFactors({ ...c, scale: { ttft: 0, tpot: 0 } }, new Array(CORRECTION_FEATURES.length).fill(0))).toEqual({ ttft: 1, tpot: 1 });
    // The shipped artifact carries the scale it was trained with.
    expect(DEFAULT_CORRECTION.scale).toEqual({ ttft: 0.75, tpot: 0.5 });
  });

  it('refuses an artifact whose features or node arrays do not match, saying what to do', () => {
    expect(() => parseCorrection({ ...DEFAULT_CORRECTION, features: ['x'] }, 'c.json')).toThrow(/re-run npm run optimizer:train/);
    const broken = { feature: [0, -1], condition: [1, 2], left: [5, -1], right: [1, -1], missingLeft: [true, true] };
    expect(() => parseCorrection({ ...DEFAULT_CORRECTION, ttft: { baseScore: 0, trees: [broken] } }, 'c.json')).toThrow(/ttft tree 0 node 0: child or feature index out of range/);
    expect(() => parseCorrection({ ...DEFAULT_CORRECTION, clip: -1 }, 'c.json')).toThrow(/clip/);
    expect(() => parseCorrection({ ...DEFAULT_CORRECTION, scale: { ttft: 1.5, tpot: 0.5 } }, 'c.json')).toThrow(/scale\.ttft/);
    const { scale: _scale, ...noScale } = DEFAULT_CORRECTION;
    expect(() => parseCorrection(noScale, 'c.json')).toThrow(/scale/);
  });
});

describe('learned correction in predict()', () => {
  const req = { model: 'llama-3.1-70b', gpu: 'h100_sxm', layout: { tp: 4 }, precision: { weights: 'fp8' as const }, workload: { isl: 2048, osl: 256, concurrency: 32 } };

  it('multiplies the physics by its factors and shows the difference as the breakdown’s correction term', () => {
    const physics = predict(req, DEFAULT_COEFFICIENTS, null);
    const corrected = predict(req);
    expect(physics.correction).toBeNull();
    expect(corrected.correction).not.toBeNull();
    expect(corrected.ttftMs).toBeCloseTo(physics.ttftMs * corrected.correction!.ttftFactor, 6);
    expect(corrected.tpotMs).toBeCloseTo(physics.tpotMs * corrected.correction!.tpotFactor, 6);
    expect(corrected.breakdown.tpot.correction).toBeCloseTo(corrected.tpotMs - physics.tpotMs, 6);
    expect(corrected.breakdown.tpot.roofline).toBeCloseTo(physics.breakdown.tpot.roofline, 9);
  });

  it('custom coefficients get no correction unless one is passed (it was trained on the shipped ones)', () => {
    const custom = { ...DEFAULT_COEFFICIENTS };
    expect(predict(req, custom).correction).toBeNull();
    expect(predict(req, custom, DEFAULT_CORRECTION).correction).not.toBeNull();
  });

  // The trees are trained with monotone constraints (features.ts), so the corrected prediction keeps the
  // physics' monotonicity for every engine and model, not just the one properties.test.ts samples.
  it('keeps longer prompts from lowering TTFT and more clients from lowering TPOT, for every engine', () => {
    const models = ['llama-3.1-8b', 'qwen3-32b', 'deepseek-v3', 'gpt-oss-120b'].map(getModel);
    const gpu = getGpu('h200_sxm');
    fc.assert(
      fc.property(fc.constantFrom(...models), fc.constantFrom('vllm', 'sglang', 'trtllm'), fc.constantFrom(1, 2, 4, 8), fc.integer({ min: 64, max: 8192 }), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 2, max: 1024 }), fc.integer({ min: 1, max: 64 }), (model, backend, tp, isl, extra, osl, conc) => {
        fc.pre(model.heads % tp === 0);
        const run = (i: number, c: number) => predict({ model, gpu, layout: { tp }, workload: { isl: i, osl, concurrency: c }, engine: { backend, rounds: 2 } });
        const base = run(isl, conc);
        fc.pre(base.memory.fits && base.memory.maxConcurrency >= conc * 2);
        expect(run(isl + extra, conc).ttftMs).toBeGreaterThanOrEqual(base.ttftMs * (1 - 1e-9));
        expect(run(isl, conc * 2).tpotMs).toBeGreaterThanOrEqual(base.tpotMs * 0.995);
      }),
      { numRuns: 40 },
    );
  });
});
