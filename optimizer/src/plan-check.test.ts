import { describe, expect, it } from 'vitest';
import { comparePlan } from './plan-check.js';
import { optimize, type OptimizeRequest, type Plan } from './search.js';

/** A measurement that is exactly what the plan predicted for itself. */
const asPredicted = (req: OptimizeRequest, p: Plan) => ({ concurrency: p.maxConcurrency, isl: req.workload.isl, osl: req.workload.osl, ttftMs: p.prediction.ttftMs, tpotMs: p.prediction.tpotMs, outputTokensPerSec: p.prediction.outputTokensPerSec });

describe("a plan's prediction against what its deployment measured", () => {
  const dense: OptimizeRequest = { model: 'llama-3.1-70b', clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 8 }] }], workload: { isl: 2048, osl: 256 }, precision: { weights: 'fp8' }, backend: 'vllm', memoryFraction: 0.85, space: { tp: [2, 4], pp: [1], concurrency: [16, 64] } };
  const moe: OptimizeRequest = { model: 'deepseek-ai/DeepSeek-R1', clusters: [{ name: 'lab', gpus: [{ gpu: 'b200_sxm', count: 16 }] }], workload: { isl: 1024, osl: 512 }, backend: 'sglang', disaggregated: true, space: { tp: [8], pp: [1], concurrency: [64] } };

  it('makes the same prediction the search made for every kind of plan, so a perfect measurement scores 0%', () => {
    const plans = [...optimize(dense).plans.map((p) => [dense, p] as const), ...optimize(moe).plans.map((p) => [moe, p] as const)];
    const kinds = new Set(plans.map(([, p]) => (p.disagg ? 'disagg' : p.attentionDp ? 'attention-dp' : 'tp')));
    expect(kinds).toEqual(new Set(['tp', 'attention-dp', 'disagg']));
    for (const [req, p] of plans) {
      const c = comparePlan(req, p, asPredicted(req, p));
      expect(c.predicted.ttftMs).toBeCloseTo(p.prediction.ttftMs, 9);
      expect(c.errorPct.ttft).toBeCloseTo(0, 9);
      expect(c.errorPct.tpot).toBeCloseTo(0, 9);
      expect(c.errorPct.throughput).toBeCloseTo(0, 9);
    }
  });

  it('predicts at the measured load, and signs the error: + when the optimizer predicted more than was measured', () => {
    const plan = optimize(dense).plans.find((p) => p.tp === 4 && p.maxConcurrency === 64)!;
    const lighter = comparePlan(dense, plan, { concurrency: 8, isl: 2048, osl: 256, ttftMs: 1000, tpotMs: 1000 });
    expect(lighter.predicted.tpotMs).toBeLessThan(plan.prediction.tpotMs);
    expect(lighter.errorPct.tpot).toBeLessThan(-90);
    expect(lighter.errorPct.throughput).toBeNull();
    const half = comparePlan(dense, plan, { ...asPredicted(dense, plan), ttftMs: plan.prediction.ttftMs / 2 });
    expect(half.errorPct.ttft).toBeCloseTo(100, 6);
  });

  it('says when more clients were measured than the KV cache holds', () => {
    const plan = optimize(dense).plans.find((p) => p.tp === 2)!;
    const c = comparePlan(dense, plan, { concurrency: 4096, isl: 2048, osl: 256, ttftMs: 100, tpotMs: 10 });
    expect(c.warnings.join(' ')).toMatch(/KV cache holds \d+ sequences of 2304 tokens, fewer than the 4096 clients measured/);
  });

  it('refuses a measurement that is not a positive number', () => {
    const plan = optimize(dense).plans[0]!;
    expect(() => comparePlan(dense, plan, { concurrency: 0, isl: 2048, osl: 256, ttftMs: 100, tpotMs: 10 })).toThrow(/concurrency must be a positive number \(got 0\)/);
    expect(() => comparePlan(dense, plan, { concurrency: 8, isl: 2048, osl: 256, ttftMs: Number.NaN, tpotMs: 10 })).toThrow(/ttftMs/);
  });
});
