// Leave-one-group-out: for each model (or GPU), refit the coefficients without its rows and predict them.
// Reported next to the roofline-only baseline, which has nothing to refit.
import { fitCases } from '../src/fit/train.js';
import { trainCorrections } from '../training/correction-train.js';
import { rooflineBaseline } from '../src/perf/baseline.js';
import { metricStats, predictCases, type ErrorStats, type PreparedCase, type RowResult } from './evaluate.js';

export type HoldoutBy = 'model' | 'gpu';

export interface HoldoutReport {
  by: HoldoutBy;
  groups: { group: string; rows: number; stats: Record<'ttft' | 'tpot' | 'throughput', ErrorStats> }[];
  /** Coefficients and, when on, the correction, refitted per fold. */
  fitted: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  /** The same folds' coefficients without any correction. */
  physics: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  roofline: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  results: RowResult[];
}

/**
 * With `correction` on, each fold also trains its own learned correction on its training rows' residuals (one
 * Python process for all folds), so nothing about the held-out group reaches either part of the model.
 */
export function holdout(cases: PreparedCase[], by: HoldoutBy, opts: { correction?: boolean } = {}): HoldoutReport {
  const key = (x: PreparedCase) => (by === 'model' ? x.c.modelId : x.c.gpuId);
  const folds = [...new Set(cases.map(key))]
    .sort()
    .map((g) => ({ g, train: cases.filter((x) => key(x) !== g), test: cases.filter((x) => key(x) === g) }))
    .filter((f) => f.train.length > 0)
    .map((f) => ({ ...f, coeffs: fitCases(f.train, `hold-out without ${f.g}`) }));
  const corrections = opts.correction ? trainCorrections(folds.map((f) => ({ name: f.g, cases: f.train, coeffs: f.coeffs }))) : [];
  const results: RowResult[] = [];
  const physicsOnly: RowResult[] = [];
  const perGroup: HoldoutReport['groups'] = [];
  folds.forEach((f, k) => {
    const physics = predictCases(f.test, f.coeffs, null);
    const r = opts.correction ? predictCases(f.test, f.coeffs, corrections[k]!.correction) : physics;
    perGroup.push({ group: f.g, rows: f.test.length, stats: metricStats(r) });
    results.push(...r);
    physicsOnly.push(...physics);
  });
  const baseline: RowResult[] = cases.map(({ c }) => {
    const b = rooflineBaseline(c.request);
    const conc = c.request.workload.concurrency;
    return { id: c.id, model: c.modelId, gpu: c.gpuId, backend: c.backend, measuredTtftMs: c.ttftMs, predictedTtftMs: b.ttftMs, measuredTpotMs: c.tpotMs, predictedTpotMs: b.tpotMs, measuredTokPerSec: (conc * 1000) / c.tpotMs, predictedTokPerSec: (conc * 1000) / b.tpotMs };
  });
  return { by, groups: perGroup, fitted: metricStats(results), physics: metricStats(physicsOnly), roofline: metricStats(baseline), results };
}
