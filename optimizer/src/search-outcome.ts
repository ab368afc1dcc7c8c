// What the search knows about a request and what one point of its space comes to: a plan, a rejection, or both (a
// plan that misses the SLOs is kept and turned down), and how far it misses, which NSGA-II compares.
import type { ModelArch } from './arch.js';
import type { GpuSpec } from './gpus.js';
import type { Objective } from './pareto.js';
import type { Coefficients } from './perf/coefficients.js';
import type { CalibrationPoint } from './calibration.js';
import type { Prediction, PredictRequest } from './perf/predict.js';
import type { Precision } from './quant.js';
import type { ClusterSpec, Plan, Rejected, RejectionKind, Slo } from './search.js';

export interface SearchContext {
  arch: ModelArch;
  clusters: ClusterSpec[];
  workload: { isl: number; osl: number };
  slo: Slo;
  precision?: Partial<Precision>;
  backend?: string;
  engineVersion?: string;
  memoryFraction?: number;
  coeffs: Coefficients;
  /** Measured deployments that calibrate the predictions of their own plans (calibration.ts). */
  calibration?: readonly CalibrationPoint[];
  space: { tp: number[]; pp: number[]; concurrency: number[]; attentionDp?: boolean };
  /** Prefill:decode worker ratios of the disaggregated units; none: no disaggregated units. */
  disaggRatios: readonly (readonly [number, number])[] | null;
  /** Enumerate up to this many (unit, concurrency) points; search a larger space with NSGA-II, predicting this many. */
  maxPredictions: number;
  /** NSGA-II's objectives (the Pareto front's). */
  objectives: Objective<Plan>[];
  seed: number;
}

/** A GPU pool as the search uses it: its price resolved. */
export interface Pool {
  cluster: string;
  gpu: GpuSpec;
  count: number;
  price: number;
}

export interface Outcome {
  plan?: Plan;
  rejection?: Rejected;
  /** 0 when the plan meets the SLOs inside its pool; else how far it misses, as a sum of relative excesses. */
  violation: number;
}

/** Where and what a rejection is about; its kind and reason come with the verdict. */
export type RejectionBase = Omit<Rejected, 'kind' | 'reason'>;

/** predict() as the search calls it: counted, and cached under `key` when one is given. */
export type Predictor = (req: PredictRequest, key?: string) => Prediction;

/** A point that does not run at all (its sequences do not fit) loses to any plan that does. */
export const NO_PLAN_VIOLATION = 10;

/** The TTFT the SLO is written against: the mean, or the p90 when it says so. */
const sloTtftMs = (p: Prediction, slo: Slo): number => (slo.ttftPercentile === 'p90' ? p.ttftP90Ms : p.ttftMs);

export function sloViolation(p: Prediction, slo: Slo): { kind: RejectionKind; reason: string } | undefined {
  const ttft = sloTtftMs(p, slo);
  if (slo.ttftMs !== undefined && ttft > slo.ttftMs) return { kind: 'misses_ttft_slo', reason: `predicted ${slo.ttftPercentile ?? 'mean'} TTFT ${ttft.toFixed(0)} ms > SLO ${slo.ttftMs} ms` };
  if (slo.tpotMs !== undefined && p.tpotMs > slo.tpotMs) return { kind: 'misses_tpot_slo', reason: `predicted TPOT ${p.tpotMs.toFixed(1)} ms > SLO ${slo.tpotMs} ms` };
  return undefined;
}

/** How far a prediction misses the SLOs and the pool, as a sum of relative excesses; 0 when it meets them all. */
export function excess(p: Prediction, slo: Slo, totalGpus: number, poolCount: number): number {
  const ttft = sloTtftMs(p, slo);
  const over = (x: number, limit: number | undefined) => (limit !== undefined && x > limit ? x / limit - 1 : 0);
  return over(ttft, slo.ttftMs) + over(p.tpotMs, slo.tpotMs) + over(totalGpus, poolCount);
}

/**
 * The plan for a predicted point, with its SLO or pool rejection: replicas from the target rate, cost from the
 * pool's price. `shape` says what a replica is (its layout fields and GPUs).
 */
export function planOutcome(p: Prediction, pool: Pool, ctx: SearchContext, conc: number, shape: Pick<Plan, 'tp' | 'pp' | 'attentionDp' | 'disagg'> & { gpus: number }, base: RejectionBase): Outcome {
  const { slo } = ctx;
  const n = shape.gpus;
  const replicas = slo.targetRequestsPerSec ? Math.max(1, Math.ceil(slo.targetRequestsPerSec / p.requestsPerSec)) : 1;
  const totalGpus = replicas * n;
  const violation = sloViolation(p, slo);
  const plan: Plan = {
    cluster: pool.cluster,
    gpu: pool.gpu.id,
    tp: shape.tp,
    pp: shape.pp,
    ...(shape.attentionDp ? { attentionDp: shape.attentionDp } : {}),
    maxConcurrency: conc,
    maxModelLen: ctx.workload.isl + ctx.workload.osl,
    replicas,
    gpusPerReplica: n,
    totalGpus,
    costPerHour: totalGpus * pool.price,
    costPerMillionOutputTokens: ((n * pool.price) / (p.outputTokensPerSec * 3600)) * 1e6,
    prediction: { ttftMs: p.ttftMs, ttftP90Ms: p.ttftP90Ms, tpotMs: p.tpotMs, e2eMs: p.e2eMs, outputTokensPerSec: p.outputTokensPerSec, requestsPerSec: p.requestsPerSec, breakdown: p.breakdown, correction: p.correction, ...(p.calibration ? { calibration: p.calibration } : {}), warnings: p.warnings },
    memory: p.memory,
    meetsSlo: violation === undefined,
    fitsCluster: totalGpus <= pool.count,
    ...(shape.disagg ? { disagg: shape.disagg } : {}),
  };
  let rejection: Rejected | undefined;
  if (violation) rejection = { ...base, ...violation };
  else if (totalGpus > pool.count) {
    const unit = shape.disagg ? 'replicas (prefill + decode units)' : 'replicas';
    rejection = { ...base, kind: 'too_few_gpus_for_rate', reason: `needs ${replicas} ${unit} × ${n} GPUs = ${totalGpus} for ${slo.targetRequestsPerSec} req/s, cluster has ${pool.count}` };
  }
  return { plan, rejection, violation: excess(p, slo, totalGpus, pool.count) };
}
