// Leave-one-group-out: for each model (or GPU), refit the coefficients without its rows and predict them.
// Reported next to the roofline-only baseline, which has nothing to refit.
import { fitCases } from '../src/fit/train.js';
import { rooflineBaseline } from '../src/perf/baseline.js';
import { metricStats, predictCases, type ErrorStats, type PreparedCase, type RowResult } from './evaluate.js';

export type HoldoutBy = 'model' | 'gpu';

export interface HoldoutReport {
  by: HoldoutBy;
  groups: { group: string; rows: number; stats: Record<'ttft' | 'tpot' | 'throughput', ErrorStats> }[];
  fitted: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  roofline: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  results: RowResult[];
}

export function holdout(cases: PreparedCase[], by: HoldoutBy): HoldoutReport {
  const key = (x: PreparedCase) => (by === 'model' ? x.c.modelId : x.c.gpuId);
  const groups = [...new Set(cases.map(key))].sort();
  const results: RowResult[] = [];
  const perGroup: HoldoutReport['groups'] = [];
  for (const g of groups) {
    const train = cases.filter((x) => key(x) !== g);
    const test = cases.filter((x) => key(x) === g);
    if (train.length === 0) continue;
    const r = predictCases(test, fitCases(train, `hold-out without ${g}`));
    perGroup.push({ group: g, rows: test.length, stats: metricStats(r) });
    results.push(...r);
  }
  const baseline: RowResult[] = cases.map(({ c }) => {
    const b = rooflineBaseline(c.request);
    const conc = c.request.workload.concurrency;
    return { id: c.id, model: c.modelId, gpu: c.gpuId, backend: c.backend, measuredTtftMs: c.ttftMs, predictedTtftMs: b.ttftMs, measuredTpotMs: c.tpotMs, predictedTpotMs: b.tpotMs, measuredTokPerSec: (conc * 1000) / c.tpotMs, predictedTokPerSec: (conc * 1000) / b.tpotMs };
  });
  return { by, groups: perGroup, fitted: metricStats(results), roofline: metricStats(baseline), results };
}
