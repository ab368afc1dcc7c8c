// A plan's prediction set against what its deployment measured: the same predict() request the search made for the
// plan, re-run at the concurrency and prompt lengths the measurement was taken at (a benchmark rarely runs at exactly
// the plan's max_num_seqs), so predicted and measured describe the same load.
import { calibrated, calibrationPoint, type CalibrationPoint } from './calibration.js';
import { getModel } from './models.js';
import { getGpu } from './gpus.js';
import { DEFAULT_COEFFICIENTS } from './perf/coefficients.js';
import { predict, type Prediction, type PredictRequest } from './perf/predict.js';
import type { OptimizeRequest, Plan } from './search.js';
import { planLayout } from './search-layouts.js';
import { disaggRequest, replicaRequest, type Load } from './unit-request.js';

/** What one replica of the deployed plan measured under a closed-loop benchmark. */
export interface PlanMeasurement {
  /** Concurrent clients on the replica while it was measured. */
  concurrency: number;
  isl: number;
  osl: number;
  ttftMs: number;
  tpotMs: number;
  /** Output tokens per second of the replica, when the benchmark reports it. */
  outputTokensPerSec?: number;
}

export interface PlanComparison {
  predicted: { ttftMs: number; tpotMs: number; outputTokensPerSec: number };
  /** Signed error of the prediction in % of the measurement: + means the optimizer predicted more than was measured. */
  errorPct: { ttft: number; tpot: number; throughput: number | null };
  warnings: string[];
}

/** The predict() request the search made for `plan`, at another load. */
export function planPredictRequest(req: Pick<OptimizeRequest, 'model' | 'precision' | 'backend' | 'engineVersion' | 'memoryFraction'>, plan: Plan, load: Load): PredictRequest {
  const ctx = { arch: typeof req.model === 'string' ? getModel(req.model) : req.model, precision: req.precision, backend: req.backend, engineVersion: req.engineVersion, memoryFraction: req.memoryFraction };
  const gpu = getGpu(plan.gpu);
  return plan.disagg ? disaggRequest(ctx, gpu, plan.disagg, load) : replicaRequest(ctx, gpu, planLayout(plan), load);
}

const pct = (predicted: number, measured: number) => ((predicted - measured) / measured) * 100;

type PlanRequest = Pick<OptimizeRequest, 'model' | 'precision' | 'backend' | 'engineVersion' | 'memoryFraction' | 'coefficients' | 'calibration'>;

function checkMeasurement(m: PlanMeasurement): void {
  for (const [name, v] of [['concurrency', m.concurrency], ['isl', m.isl], ['osl', m.osl], ['ttftMs', m.ttftMs], ['tpotMs', m.tpotMs]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a positive number (got ${v})`);
  }
}

/**
 * Predicts `plan` at the measurement's load and says how far off it is, metric by metric. A run that was calibrated
 * (`req.calibration`) is compared as it predicted, calibration included.
 */
export function comparePlan(req: PlanRequest, plan: Plan, m: PlanMeasurement): PlanComparison {
  checkMeasurement(m);
  const pr = planPredictRequest(req, plan, { concurrency: m.concurrency, isl: m.isl, osl: m.osl });
  const p: Prediction = calibrated(predict(pr, req.coefficients ?? DEFAULT_COEFFICIENTS), pr, req.calibration);
  const warnings = [...p.warnings];
  const held = p.memory.maxConcurrency * planLayout(plan).dp;
  if (!plan.disagg && held < m.concurrency) {
    warnings.push(`the plan's KV cache holds ${held} sequences of ${m.isl + m.osl} tokens, fewer than the ${m.concurrency} clients measured: requests queued for memory`);
  }
  return {
    predicted: { ttftMs: p.ttftMs, tpotMs: p.tpotMs, outputTokensPerSec: p.outputTokensPerSec },
    errorPct: {
      ttft: pct(p.ttftMs, m.ttftMs),
      tpot: pct(p.tpotMs, m.tpotMs),
      throughput: m.outputTokensPerSec !== undefined && m.outputTokensPerSec > 0 ? pct(p.outputTokensPerSec, m.outputTokensPerSec) : null,
    },
    warnings,
  };
}

/** The calibration point a measurement of `plan` gives: against the plan's prediction at that load, uncalibrated. */
export function planCalibrationPoint(req: PlanRequest, plan: Plan, m: PlanMeasurement, source?: string): CalibrationPoint {
  checkMeasurement(m);
  const pr = planPredictRequest(req, plan, { concurrency: m.concurrency, isl: m.isl, osl: m.osl });
  return calibrationPoint(pr, predict(pr, req.coefficients ?? DEFAULT_COEFFICIENTS), m, source);
}
