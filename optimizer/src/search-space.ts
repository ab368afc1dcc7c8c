// The search space: units (a replica layout on a pool, or a disaggregated prefill + decode unit) × the max
// concurrency values, each point one predict(). Up to `maxPredictions` points are all predicted — the usual space
// is a few hundred to two thousand. A larger one (a fine concurrency grid, a big fleet, disaggregation over many
// pools) is searched with NSGA-II under that budget, and the result says which was done.
import { engineUnsupportedReason } from './engines.js';
import { getGpu } from './gpus.js';
import { calibrated } from './calibration.js';
import { nsga2 } from './nsga2.js';
import { predict, type Prediction } from './perf/predict.js';
import { disaggUnits, evaluateDisagg } from './search-disagg.js';
import type { Outcome, Pool, Predictor, SearchContext } from './search-outcome.js';
import { evaluateReplica, replicaUnits } from './search-replicas.js';
import type { Plan, Rejected } from './search.js';

export interface SearchMethod {
  method: 'enumeration' | 'nsga2';
  /** (unit, concurrency) points that could run; all predicted when enumerated. */
  candidates: number;
  /** predict() calls made. */
  predicted: number;
  /** NSGA-II only. */
  generations?: number;
}

/** The pools the engine runs on; the others are turned down once, here. */
function enginePools(ctx: SearchContext, rejected: Rejected[]): Pool[] {
  const pools: Pool[] = [];
  for (const cluster of ctx.clusters) {
    for (const p of cluster.gpus) {
      const gpu = getGpu(p.gpu);
      const unsupported = engineUnsupportedReason(ctx.backend, gpu);
      if (unsupported) rejected.push({ cluster: cluster.name, gpu: gpu.id, tp: 1, pp: 1, kind: 'engine_not_on_gpu', reason: unsupported });
      else pools.push({ cluster: cluster.name, gpu, count: p.count, price: p.pricePerGpuHour ?? gpu.pricePerGpuHour });
    }
  }
  return pools;
}

export function searchSpace(ctx: SearchContext, plans: Plan[], rejected: Rejected[]): SearchMethod {
  const pools = enginePools(ctx, rejected);
  const cache = new Map<string, Prediction>();
  let predicted = 0;
  const run: Predictor = (req, key) => {
    const hit = key === undefined ? undefined : cache.get(key);
    if (hit) return hit;
    predicted++;
    const p = calibrated(predict(req, ctx.coeffs), req, ctx.calibration);
    if (key !== undefined) cache.set(key, p);
    return p;
  };
  const units: ((conc: number) => Outcome)[] = [
    ...replicaUnits(ctx, pools, rejected).map((u) => (conc: number) => evaluateReplica(ctx, u, conc, run)),
    ...(ctx.disaggRatios ? disaggUnits(ctx, pools, ctx.disaggRatios, rejected).map((u) => (conc: number) => evaluateDisagg(ctx, u, conc, run)) : []),
  ];
  const keep = (o: Outcome) => {
    if (o.plan) plans.push(o.plan);
    if (o.rejection) rejected.push(o.rejection);
  };

  const concurrency = [...ctx.space.concurrency].sort((a, b) => a - b);
  const candidates = units.length * concurrency.length;
  if (candidates <= ctx.maxPredictions) {
    for (const evaluate of units) for (const conc of concurrency) keep(evaluate(conc));
    return { method: 'enumeration', candidates, predicted };
  }
  // Genes: the unit, and the concurrency in sorted order, so a ±1 mutation is a neighbouring load.
  const result = nsga2<Outcome>(
    {
      cardinality: [units.length, concurrency.length],
      evaluate: (g) => units[g[0]!]!(concurrency[g[1]!]!),
      // Objectives are compared only between feasible outcomes, and those all carry a plan.
      objectives: ctx.objectives.map((o) => ({ sense: o.sense, get: (x: Outcome) => (x.plan ? o.get(x.plan) : 0) })),
      violation: (x) => x.violation,
    },
    { population: 48, maxEvaluations: ctx.maxPredictions, seed: ctx.seed },
  );
  for (const e of result.evaluated) keep(e.value);
  return { method: 'nsga2', candidates, predicted, generations: result.generations };
}
