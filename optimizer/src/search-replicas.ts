// The aggregated (prefill and decode on the same GPUs) part of the search: every replica layout a pool can run,
// at every max concurrency of the space. Layouts that cannot run, or whose weights leave no room for a sequence, are
// turned down once, with their numbers; the rest are (layout, concurrency) points, each one predict() call. A space
// of up to `maxPredictions` points is enumerated; a larger one (a fine concurrency grid, a big fleet) is searched
// with NSGA-II under that budget, and the result says which was done.
import type { ModelArch } from './arch.js';
import { engineUnsupportedReason } from './engines.js';
import { getGpu, type GpuSpec } from './gpus.js';
import { gpusPerReplica, type Layout } from './layout.js';
import { memoryReport } from './memory.js';
import { nsga2 } from './nsga2.js';
import type { Objective } from './pareto.js';
import type { Coefficients } from './perf/coefficients.js';
import { predict, resolvePrecision, type Prediction } from './perf/predict.js';
import type { Precision } from './quant.js';
import type { ClusterSpec, Plan, Rejected, RejectionKind, Slo } from './search.js';
import { candidateLayouts, layoutRejection } from './search-layouts.js';

export interface ReplicaSearch {
  arch: ModelArch;
  clusters: ClusterSpec[];
  workload: { isl: number; osl: number };
  slo: Slo;
  precision?: Partial<Precision>;
  backend?: string;
  engineVersion?: string;
  memoryFraction?: number;
  coeffs: Coefficients;
  space: { tp: number[]; pp: number[]; concurrency: number[]; attentionDp?: boolean };
  /** Enumerate up to this many (layout, concurrency) points; search a larger space with NSGA-II, evaluating this many. */
  maxPredictions: number;
  /** NSGA-II's objectives (the Pareto front's). */
  objectives: Objective<Plan>[];
  seed: number;
}

export interface SearchMethod {
  method: 'enumeration' | 'nsga2';
  /** (layout, concurrency) points that could run; all predicted when enumerated. */
  candidates: number;
  predicted: number;
  /** NSGA-II only. */
  generations?: number;
}

/** One layout on one pool that fits in memory: the concurrency values are its other gene. */
interface Unit {
  cluster: string;
  pool: { gpu: GpuSpec; count: number; price: number };
  layout: Layout;
}

type Outcome = { plan?: Plan; rejection?: Rejected; violation: number };

export function sloViolation(p: Prediction, slo: Slo): { kind: RejectionKind; reason: string } | undefined {
  const ttft = slo.ttftPercentile === 'p90' ? p.ttftP90Ms : p.ttftMs;
  if (slo.ttftMs !== undefined && ttft > slo.ttftMs) return { kind: 'misses_ttft_slo', reason: `predicted ${slo.ttftPercentile ?? 'mean'} TTFT ${ttft.toFixed(0)} ms > SLO ${slo.ttftMs} ms` };
  if (slo.tpotMs !== undefined && p.tpotMs > slo.tpotMs) return { kind: 'misses_tpot_slo', reason: `predicted TPOT ${p.tpotMs.toFixed(1)} ms > SLO ${slo.tpotMs} ms` };
  return undefined;
}

/** How far a prediction misses the SLOs and the pool, as a sum of relative excesses; 0 when it meets them all. */
function excess(p: Prediction, slo: Slo, totalGpus: number, poolCount: number): number {
  const ttft = slo.ttftPercentile === 'p90' ? p.ttftP90Ms : p.ttftMs;
  const over = (x: number, limit: number | undefined) => (limit !== undefined && x > limit ? x / limit - 1 : 0);
  return over(ttft, slo.ttftMs) + over(p.tpotMs, slo.tpotMs) + over(totalGpus, poolCount);
}

export function searchReplicas(s: ReplicaSearch, plans: Plan[], rejected: Rejected[]): SearchMethod {
  const { arch, workload, slo } = s;
  const { isl, osl } = workload;
  const units: Unit[] = [];
  for (const cluster of s.clusters) {
    for (const pool of cluster.gpus) {
      const gpu = getGpu(pool.gpu);
      const unsupported = engineUnsupportedReason(s.backend, gpu);
      if (unsupported) {
        rejected.push({ cluster: cluster.name, gpu: gpu.id, tp: 1, pp: 1, kind: 'engine_not_on_gpu', reason: unsupported });
        continue;
      }
      for (const l of candidateLayouts(arch, s.space)) {
        const base = baseOf(cluster.name, gpu, l);
        const bad = layoutRejection(arch, gpu, pool.count, l);
        if (bad) {
          rejected.push({ ...base, ...bad });
          continue;
        }
        // Memory does not depend on the concurrency beyond the first value: one verdict per layout.
        const first = s.space.concurrency[0]!;
        const memory = memoryReport(arch, gpu, { layout: l, precision: resolvePrecision(arch, s.precision), contextTokens: isl + osl, options: { maxNumSeqs: Math.ceil(first / l.dp), backend: s.backend, memoryFraction: s.memoryFraction } });
        if (!memory.fits) {
          rejected.push({ ...base, maxConcurrency: first, kind: 'does_not_fit', reason: memory.reasons.join('; ') });
          continue;
        }
        units.push({ cluster: cluster.name, pool: { gpu, count: pool.count, price: pool.pricePerGpuHour ?? gpu.pricePerGpuHour }, layout: l });
      }
    }
  }

  const cache = new Map<string, Prediction>();
  let predicted = 0;
  const evaluate = (u: Unit, conc: number): Outcome => {
    const { gpu, count, price } = u.pool;
    const l = u.layout;
    const base = { ...baseOf(u.cluster, gpu, l), maxConcurrency: conc };
    const key = `${gpu.id}/${l.tp}/${l.pp}/${l.dp}/${conc}`;
    let p = cache.get(key);
    if (!p) {
      predicted++;
      p = predict({ model: arch, gpu, layout: l, precision: s.precision, workload: { isl, osl, concurrency: conc }, engine: { maxNumSeqs: Math.ceil(conc / l.dp), backend: s.backend, version: s.engineVersion, memoryFraction: s.memoryFraction } }, s.coeffs);
      cache.set(key, p);
    }
    const held = p.memory.maxConcurrency * l.dp;
    if (held < conc) {
      const reason = `KV cache holds only ${held} sequences of ${isl + osl} tokens${l.dp > 1 ? ` (${p.memory.maxConcurrency} on each of ${l.dp} ranks)` : ''}`;
      return { rejection: { ...base, kind: 'kv_cache_too_small', reason }, violation: 10 + conc / Math.max(1, held) };
    }
    const n = gpusPerReplica(l);
    const replicas = slo.targetRequestsPerSec ? Math.max(1, Math.ceil(slo.targetRequestsPerSec / p.requestsPerSec)) : 1;
    const violation = sloViolation(p, slo);
    const totalGpus = replicas * n;
    const plan: Plan = {
      cluster: base.cluster,
      gpu: base.gpu,
      tp: base.tp,
      pp: base.pp,
      ...(base.attentionDp ? { attentionDp: base.attentionDp } : {}),
      maxConcurrency: conc,
      maxModelLen: isl + osl,
      replicas,
      gpusPerReplica: n,
      totalGpus,
      costPerHour: totalGpus * price,
      costPerMillionOutputTokens: ((n * price) / (p.outputTokensPerSec * 3600)) * 1e6,
      prediction: { ttftMs: p.ttftMs, ttftP90Ms: p.ttftP90Ms, tpotMs: p.tpotMs, e2eMs: p.e2eMs, outputTokensPerSec: p.outputTokensPerSec, requestsPerSec: p.requestsPerSec, breakdown: p.breakdown, correction: p.correction, warnings: p.warnings },
      memory: p.memory,
      meetsSlo: violation === undefined,
      fitsCluster: totalGpus <= count,
    };
    let rejection: Rejected | undefined;
    if (violation) rejection = { ...base, ...violation };
    else if (totalGpus > count) rejection = { ...base, kind: 'too_few_gpus_for_rate', reason: `needs ${replicas} replicas × ${n} GPUs = ${totalGpus} for ${slo.targetRequestsPerSec} req/s, cluster has ${count}` };
    return { plan, rejection, violation: excess(p, slo, totalGpus, count) };
  };
  const keep = (o: Outcome) => {
    if (o.plan) plans.push(o.plan);
    if (o.rejection) rejected.push(o.rejection);
  };

  const concurrency = s.space.concurrency;
  const candidates = units.length * concurrency.length;
  if (candidates <= s.maxPredictions) {
    for (const u of units) for (const conc of concurrency) keep(evaluate(u, conc));
    return { method: 'enumeration', candidates, predicted };
  }
  // Genes: the layout on its pool, and the concurrency (sorted, so a ±1 mutation is a neighbouring load).
  const sorted = [...concurrency].sort((a, b) => a - b);
  const neutral = 0; // objectives are compared only between feasible outcomes, which all carry a plan
  const result = nsga2<Outcome>(
    {
      cardinality: [units.length, sorted.length],
      evaluate: (g) => evaluate(units[g[0]!]!, sorted[g[1]!]!),
      objectives: s.objectives.map((o) => ({ sense: o.sense, get: (x: Outcome) => (x.plan ? o.get(x.plan) : neutral) })),
      violation: (x) => x.violation,
    },
    { population: 48, maxEvaluations: s.maxPredictions, seed: s.seed },
  );
  for (const e of result.evaluated) keep(e.value);
  return { method: 'nsga2', candidates, predicted, generations: result.generations };
}

function baseOf(cluster: string, gpu: GpuSpec, l: Layout) {
  return { cluster, gpu: gpu.id, tp: l.tp, pp: l.pp, ...(l.dp > 1 ? { attentionDp: l.dp } : {}) };
}
