// optimize(): searches replica layouts (cluster × GPU type × TP × PP, search-replicas.ts) and, when asked,
// disaggregated prefill/decode units (search-disagg.ts) at each max concurrency (search-space.ts), predicts each point
// with the memory model and the simulated engine, and returns the Pareto front over latency, throughput and cost,
// the plan recommended for the SLOs, and every rejected option with its reason. The usual space is enumerated; one
// too large for that is searched with NSGA-II under a prediction budget.
import { MEASURED_ACCURACY, type MeasuredAccuracy } from './accuracy.js';
import type { ModelArch } from './arch.js';
import type { MemoryReport } from './memory.js';
import { getModel } from './models.js';
import { paretoFront, type Objective } from './pareto.js';
import { DEFAULT_COEFFICIENTS, type Coefficients } from './perf/coefficients.js';
import type { Prediction } from './perf/predict.js';
import type { CalibrationPoint } from './calibration.js';
import type { Precision } from './quant.js';
import { DEFAULT_DISAGG_RATIOS } from './search-disagg.js';
import { searchSpace, type SearchMethod } from './search-space.js';

export interface ClusterSpec {
  name: string;
  gpus: { gpu: string; count: number; pricePerGpuHour?: number }[];
}

export interface Slo {
  /** Mean TTFT, or p90 when ttftPercentile is 'p90'. */
  ttftMs?: number;
  ttftPercentile?: 'mean' | 'p90';
  tpotMs?: number;
  /** Sustained request rate the plan must serve; sets the replica count. */
  targetRequestsPerSec?: number;
}

export interface OptimizeRequest {
  model: string | ModelArch;
  clusters: ClusterSpec[];
  workload: { isl: number; osl: number };
  slo?: Slo;
  precision?: Partial<Precision>;
  backend?: string;
  /** The engine release to plan for (e.g. "0.19.0"); default: the newest the learned correction knows. */
  engineVersion?: string;
  /** The engine's memory knob (gpu_memory_utilization, mem_fraction_static or free_gpu_memory_fraction); default: the engine's own. */
  memoryFraction?: number;
  /**
   * attentionDp: for MoE models, also try attention DP with expert parallelism over each GPU count in `tp` (default on).
   * maxPredictions: enumerate up to this many (layout, concurrency) points, search a larger space with NSGA-II under
   * this budget (default 2,000, about a second).
   */
  space?: { tp?: number[]; pp?: number[]; concurrency?: number[]; prefillDecodeRatios?: [number, number][]; attentionDp?: boolean; maxPredictions?: number };
  /** Also consider disaggregated prefill/decode units (prefill:decode worker ratios from the space). */
  disaggregated?: boolean;
  coefficients?: Coefficients;
  /**
   * Measurements of deployments (calibration.ts): each calibrates the predictions of plans with its deployment
   * (model, GPU, precision, engine, layout); plans of deployments never measured are predicted as they are.
   */
  calibration?: CalibrationPoint[];
}

/** A disaggregated plan's two pools; a "replica" is then one unit of prefill + decode workers. */
export interface DisaggPlan {
  prefillTp: number;
  prefillWorkers: number;
  decodeTp: number;
  decodeWorkers: number;
  prefillGpus: number;
  decodeGpus: number;
  /** Which pool bounds throughput. */
  bottleneck: 'prefill' | 'decode';
  kvTransferMs: number;
}

export interface Plan {
  cluster: string;
  gpu: string;
  tp: number;
  pp: number;
  /** Attention data-parallel ranks (tp is then 1 and the experts are expert-parallel over them); absent: 1. */
  attentionDp?: number;
  /** max_num_seqs per replica (disaggregated: clients of the whole unit). */
  maxConcurrency: number;
  maxModelLen: number;
  replicas: number;
  gpusPerReplica: number;
  totalGpus: number;
  costPerHour: number;
  costPerMillionOutputTokens: number;
  /** Whether the cluster has the replicas × GPUs this plan needs. */
  fitsCluster: boolean;
  prediction: Pick<Prediction, 'ttftMs' | 'ttftP90Ms' | 'tpotMs' | 'e2eMs' | 'outputTokensPerSec' | 'requestsPerSec' | 'breakdown' | 'correction' | 'calibration' | 'warnings'>;
  /** Memory of one GPU of a replica at max_model_len: weights, activations, reserve, KV budget, sequences that fit. */
  memory: MemoryReport;
  meetsSlo: boolean;
  /** Set when prefill and decode run on separate workers; tp/pp then describe a decode worker. */
  disagg?: DisaggPlan;
}

/** Machine-readable reason an option was turned down; `reason` says the same for people, with the numbers. */
export const REJECTION_KINDS = [
  'replica_exceeds_pool', // tp × pp GPUs are more than the pool has
  'tp_not_divisor', // tp does not divide the attention heads
  'tp_beyond_link_domain', // tp spans more GPUs than one link domain (NVLink, or a PCIe server)
  'engine_not_on_gpu', // the serving engine does not run on this GPU's vendor (TensorRT-LLM off NVIDIA)
  'does_not_fit', // weights (+ activations, reserve) leave no room for one sequence
  'kv_cache_too_small', // fits, but not this many sequences at this context
  'misses_ttft_slo',
  'misses_tpot_slo',
  'too_few_gpus_for_rate', // meets the SLOs, but the target rate needs more replicas than the pool holds
  'disagg_needs_two_gpus', // disaggregation needs at least one prefill and one decode GPU
  'prefill_does_not_fit', // disaggregated: the prefill worker's weights leave no room for one prompt
  'decode_does_not_fit', // disaggregated: the decode worker's weights leave no room for one sequence
] as const;
export type RejectionKind = (typeof REJECTION_KINDS)[number];

export interface Rejected {
  cluster: string;
  gpu: string;
  tp: number;
  pp: number;
  attentionDp?: number;
  maxConcurrency?: number;
  /** Disaggregated option: tp is the decode worker's, prefillTp the prefill worker's. */
  disaggregated?: boolean;
  prefillTp?: number;
  kind: RejectionKind;
  reason: string;
}

export interface OptimizeResult {
  recommended: Plan | null;
  /** Why there is no recommendation, when there is none. */
  noPlanReason?: string;
  pareto: Plan[];
  plans: Plan[];
  rejected: Rejected[];
  /** predict() calls made. */
  evaluated: number;
  /** How the replica layouts were searched: every point, or NSGA-II over a space larger than the budget. */
  search: SearchMethod;
  /** The library's measured error on held-out models and GPUs: how far to trust these predictions. */
  accuracy: MeasuredAccuracy;
  /** With `calibration`: the points given (so a saved result says what calibrated it), and how many plans they moved. */
  calibration?: { points: CalibrationPoint[]; plans: number };
}

const DEFAULT_SPACE = { tp: [1, 2, 4, 8], pp: [1, 2, 4], concurrency: [1, 2, 4, 8, 16, 32, 64, 128, 256], maxPredictions: 2000 };
/** NSGA-II's seed: the same request searches the same points. */
const SEARCH_SEED = 20_240_611;

export const PARETO_OBJECTIVES: Objective<Plan>[] = [
  { get: (p) => p.prediction.e2eMs, sense: 'min' },
  { get: (p) => p.prediction.outputTokensPerSec / p.gpusPerReplica, sense: 'max' },
  { get: (p) => p.costPerMillionOutputTokens, sense: 'min' },
];

/** Finds the best serving plan. Input is trusted to be validated by the caller (main/core parses it with zod). */
export function optimize(req: OptimizeRequest): OptimizeResult {
  const arch = typeof req.model === 'string' ? getModel(req.model) : req.model;
  const space = { ...DEFAULT_SPACE, ...req.space };
  const slo = req.slo ?? {};
  const coeffs = req.coefficients ?? DEFAULT_COEFFICIENTS;
  const plans: Plan[] = [];
  const rejected: Rejected[] = [];
  const search = searchSpace(
    {
      arch,
      clusters: req.clusters,
      workload: req.workload,
      slo,
      precision: req.precision,
      backend: req.backend,
      engineVersion: req.engineVersion,
      memoryFraction: req.memoryFraction,
      coeffs,
      calibration: req.calibration,
      space,
      disaggRatios: req.disaggregated ? (space.prefillDecodeRatios ?? DEFAULT_DISAGG_RATIOS) : null,
      maxPredictions: space.maxPredictions,
      objectives: PARETO_OBJECTIVES,
      seed: SEARCH_SEED,
    },
    plans,
    rejected,
  );
  const feasible = plans.filter((p) => p.meetsSlo && p.fitsCluster);
  // With a target rate the replicas already buy the capacity it needs, so the cheapest deployment per hour wins, and
  // among equal costs the one with the most headroom. Without one, the cheapest per hour is merely the smallest
  // replica at max_num_seqs 1 (one client at a time); the plan that serves a token most cheaply wins instead.
  const capacity = (p: Plan) => p.replicas * p.prediction.requestsPerSec;
  const order =
    slo.targetRequestsPerSec !== undefined
      ? (a: Plan, b: Plan) => a.costPerHour - b.costPerHour || capacity(b) - capacity(a) || a.prediction.e2eMs - b.prediction.e2eMs
      : (a: Plan, b: Plan) => a.costPerMillionOutputTokens - b.costPerMillionOutputTokens || a.prediction.e2eMs - b.prediction.e2eMs;
  const recommended = [...feasible].sort(order)[0] ?? null;
  return {
    recommended,
    noPlanReason: recommended ? undefined : plans.length === 0 ? 'no configuration fits in memory on the given GPUs' : 'no configuration meets the SLOs with the GPUs available',
    // Only plans the fleet can actually run compete on the front; the others stay in plans/rejected. Fastest first,
    // whatever order the search visited them in.
    pareto: paretoFront(plans.filter((p) => p.fitsCluster), PARETO_OBJECTIVES).sort((a, b) => a.prediction.e2eMs - b.prediction.e2eMs),
    plans,
    rejected,
    evaluated: search.predicted,
    search,
    accuracy: MEASURED_ACCURACY,
    ...(req.calibration ? { calibration: { points: req.calibration, plans: plans.filter((p) => p.prediction.calibration).length } } : {}),
  };
}
