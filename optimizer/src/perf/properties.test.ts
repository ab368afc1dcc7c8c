// Monotonicity properties that must hold whatever the fitted coefficients are.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getGpu } from '../gpus.js';
import { layout } from '../layout.js';
import { weightBytesPerGpu, kvCost } from '../memory.js';
import { MODELS, getModel } from '../models.js';
import { dominates, paretoFront, type Objective } from '../pareto.js';
import { predict } from './predict.js';

const modelArb = fc.constantFrom(...MODELS);
const pow2 = (max: number) => fc.constantFrom(...[1, 2, 4, 8, 16, 32, 64].filter((x) => x <= max));

describe('memory properties', () => {
  it('more GPUs (tp or pp) never means more weight or KV memory per GPU', () => {
    fc.assert(
      fc.property(modelArb, pow2(8), pow2(8), fc.constantFrom(1, 2, 4), (m, tp, pp, k) => {
        const p = { weights: m.dtype, kvCache: 'bf16' } as const;
        const base = layout({ tp, pp });
        for (const more of [layout({ tp: tp * k, pp }), layout({ tp, pp: pp * k })]) {
          expect(weightBytesPerGpu(m, more, p).total).toBeLessThanOrEqual(weightBytesPerGpu(m, base, p).total + 1e-6);
          expect(kvCost(m, more, 'bf16').perTokenFull).toBeLessThanOrEqual(kvCost(m, base, 'bf16').perTokenFull);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('performance properties', () => {
  const a = getModel('llama-3.1-8b');
  const g = getGpu('h100_sxm');
  const BUDGET = 8192; // max_num_batched_tokens the simulation uses by default (memory.ts defaults)
  const run = (isl: number, osl: number, concurrency: number, tp = 1) => predict({ model: a, gpu: g, layout: { tp }, workload: { isl, osl, concurrency }, engine: { rounds: 2 } });

  // Issue 6 (fixed): 4 clients × 2048 tokens fill the 8192-token budget exactly, so the later rounds stayed
  // phase-locked in one full step, while 2049 tokens split the wave for good into smaller groups and mean TTFT
  // fell (166 → 145 ms). The later rounds are now simulated in the de-synchronised limit (scheduler.ts).
  it('with several clients, a longer prompt never lowers mean TTFT (budget boundary of issue 6)', () => {
    expect(run(BUDGET / 4 + 1, 2, 4).ttftMs).toBeGreaterThanOrEqual(run(BUDGET / 4, 2, 4).ttftMs);
    expect(run(316, 2, 26).ttftMs).toBeGreaterThanOrEqual(run(308, 2, 26).ttftMs);
  });

  it('a longer prompt never lowers mean TTFT, whatever the number of clients', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 8192 }), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 2, max: 256 }), fc.integer({ min: 1, max: 64 }), (isl, extra, osl, conc) => {
        expect(run(isl + extra, osl, conc).ttftMs).toBeGreaterThanOrEqual(run(isl, osl, conc).ttftMs);
      }),
      { numRuns: 60 },
    );
  });

  it('near budget boundaries, one more prompt token never lowers mean TTFT', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 2, max: 64 }), (conc, below, extra, osl) => {
        const isl = Math.max(1, Math.floor(BUDGET / conc) - below);
        expect(run(isl + extra, osl, conc).ttftMs).toBeGreaterThanOrEqual(run(isl, osl, conc).ttftMs);
      }),
      { numRuns: 60 },
    );
  });

  // Chunk boundaries shift by one step when a client is added, so a 1-token decode phase can wobble by a few 0.01%.
  // Past the KV-cache capacity the engine cannot run more sequences at once: extra clients only queue, and the
  // running batch (so TPOT) plateaus. The later rounds are a steady state, flat past capacity; only the first
  // wave (simulated step by step) still moves: its queued prefills interleave with the first decodes differently
  // as clients are added, by at most 1.8% of TPOT at rounds 2 (measured over 600 random points; was ~4% when
  // every round was simulated step by step). 2.5% leaves room for that and nothing more.
  it('higher concurrency never lowers TPOT while the sequences fit in the KV cache', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 4096 }), fc.integer({ min: 2, max: 512 }), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 128 }), (isl, osl, conc, extra) => {
        const capacity = run(isl, osl, 1).memory.maxConcurrency;
        fc.pre(conc + extra <= capacity);
        expect(run(isl, osl, conc + extra).tpotMs).toBeGreaterThanOrEqual(run(isl, osl, conc).tpotMs * 0.995);
      }),
      { numRuns: 40 },
    );
  });

  it('past the KV-cache capacity, more clients never lower TPOT by more than the first-wave wobble (2.5%)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2048, max: 4096 }), fc.integer({ min: 256, max: 512 }), fc.integer({ min: 1, max: 64 }), (isl, osl, extra) => {
        const capacity = run(isl, osl, 1).memory.maxConcurrency;
        const atCapacity = run(isl, osl, capacity).tpotMs;
        expect(run(isl, osl, capacity + extra).tpotMs).toBeGreaterThanOrEqual(atCapacity * 0.975);
      }),
      { numRuns: 15 },
    );
  });

  it('every prediction carries a breakdown that sums to it', () => {
    const p = run(2048, 256, 32, 2);
    const sum = (b: Record<string, number>) => Object.values(b).reduce((x, y) => x + y, 0);
    expect(sum(p.breakdown.tpot)).toBeCloseTo(p.tpotMs, 6);
    expect(sum(p.breakdown.ttft)).toBeCloseTo(p.ttftMs, 6);
  });
});

describe('pareto property', () => {
  it('no member of the front is dominated by any point', () => {
    const objs: Objective<number[]>[] = [0, 1, 2].map((i) => ({ get: (p: number[]) => p[i]!, sense: i === 1 ? 'max' : 'min' }));
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 60 }), (pts) => {
        const front = paretoFront(pts, objs);
        expect(front.length).toBeGreaterThan(0);
        for (const f of front) for (const p of pts) expect(dominates(p, f, objs)).toBe(false);
        for (const p of pts) if (!front.includes(p)) expect(front.some((f) => dominates(f, p, objs)) || pts.some((q) => dominates(q, p, objs))).toBe(true);
      }),
    );
  });
});
