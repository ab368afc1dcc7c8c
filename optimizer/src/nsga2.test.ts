import { describe, expect, it } from 'vitest';
import { nsga2, seededRandom, type Nsga2Problem } from './nsga2.js';
import { paretoFront, type Objective } from './pareto.js';

// A discrete ZDT1 (Zitzler, Deb and Thiele's test problem 1) on a 100 × 100 grid: x = g0/99, y = g1/99,
// f1 = x, f2 = h(y)·(1 − √(x / h(y))) with h = 1 + 9y, both minimised. Its Pareto front is y = 0: all 100 values of x.
type Point = { g: number[]; f1: number; f2: number };
const objectives: Objective<Point>[] = [
  { get: (p) => p.f1, sense: 'min' },
  { get: (p) => p.f2, sense: 'min' },
];
function zdt1(minY = 0): Nsga2Problem<Point> & { calls: number } {
  const problem = {
    calls: 0,
    cardinality: [100, 100],
    objectives,
    evaluate(g: readonly number[]): Point {
      problem.calls++;
      const x = g[0]! / 99;
      const h = 1 + (9 * g[1]!) / 99;
      return { g: [...g], f1: x, f2: h * (1 - Math.sqrt(x / h)) };
    },
    violation: (p: Point) => Math.max(0, minY - p.g[1]!),
  };
  return problem;
}

describe('nsga2', () => {
  it('finds the whole of a known Pareto front while evaluating a fifth of the space, each genome once', () => {
    const problem = zdt1();
    const r = nsga2(problem, { population: 40, maxEvaluations: 2000, seed: 7 });
    expect(r.evaluated.length).toBeLessThanOrEqual(2000);
    expect(problem.calls).toBe(r.evaluated.length);
    const front = paretoFront(r.evaluated.map((e) => e.value), objectives);
    expect(front.every((p) => p.g[1] === 0)).toBe(true);
    expect(front.length).toBe(100);
  });

  it('beats random sampling with the same budget', () => {
    const budget = 1000;
    const evolved = paretoFront(nsga2(zdt1(), { population: 40, maxEvaluations: budget, seed: 3 }).evaluated.map((e) => e.value), objectives);
    const random = seededRandom(3);
    const sample = new Map<string, Point>();
    const p = zdt1();
    while (sample.size < budget) {
      const g = [Math.floor(random() * 100), Math.floor(random() * 100)];
      sample.set(g.join(), p.evaluate(g));
    }
    const sampled = paretoFront([...sample.values()], objectives);
    expect(evolved.filter((q) => q.g[1] === 0).length).toBeGreaterThan(3 * sampled.filter((q) => q.g[1] === 0).length);
  });

  it('keeps to the feasible region when it exists (Deb’s constrained domination)', () => {
    const r = nsga2(zdt1(30), { population: 40, maxEvaluations: 1500, seed: 11 });
    const feasible = r.evaluated.map((e) => e.value).filter((v) => v.g[1]! >= 30);
    const front = paretoFront(feasible, objectives);
    expect(front.every((p) => p.g[1] === 30)).toBe(true);
    expect(front.length).toBe(100);
  });

  it('is reproducible for a seed, and stops when a small space is exhausted', () => {
    const a = nsga2(zdt1(), { population: 20, maxEvaluations: 300, seed: 5 }).evaluated.map((e) => e.genome.join());
    const b = nsga2(zdt1(), { population: 20, maxEvaluations: 300, seed: 5 }).evaluated.map((e) => e.genome.join());
    expect(a).toEqual(b);
    const tiny: Nsga2Problem<number> = { cardinality: [3, 2], evaluate: (g) => g[0]! + g[1]!, objectives: [{ get: (v) => v, sense: 'min' }], violation: () => 0 };
    const r = nsga2(tiny, { population: 8, maxEvaluations: 1000, seed: 1 });
    expect(r.evaluated.length).toBe(6);
  });

  it('rejects a gene without values', () => {
    expect(() => nsga2({ ...zdt1(), cardinality: [10, 0] }, { population: 8, maxEvaluations: 10, seed: 1 })).toThrow('every gene needs a cardinality ≥ 1, got [10, 0]');
  });
});
