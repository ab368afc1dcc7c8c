// predict(): one deployment configuration under a closed-loop load → TTFT, TPOT, E2E, throughput, with the
// memory report and a per-term breakdown. Memory limits feed the scheduler (KV capacity), so a configuration
// that runs out of KV cache shows it as queueing in TTFT rather than as an error.
import type { ModelArch } from '../arch.js';
import { getGpu, type GpuSpec } from '../gpus.js';
import { layout as makeLayout, gpusPerReplica, type Layout } from '../layout.js';
import { defaults, memoryReport, sequencesThatFit, type MemoryOptions, type MemoryReport } from '../memory.js';
import { getModel } from '../models.js';
import type { Precision } from '../quant.js';
import { coefficientsFor, DEFAULT_COEFFICIENTS, roundsFor, type Coefficients } from './coefficients.js';
import { dot, FEATURE_NAMES, NF, type FeatureName, type Vec } from './features.js';
import { combineRounds, simulateParts, type SimParts, type SimResult } from './scheduler.js';
import { stepModel, type StepModel } from './step.js';
import { simulateDisagg } from './disagg.js';
import { engineVersionNumber } from './engine-version.js';
import { kvHeldContext, prefillWaves } from '../engines.js';
import { DEFAULT_CORRECTION } from '../correction/default.js';
import { correctionFeatures } from '../correction/features.js';
import { correctionFactors, type Correction } from '../correction/model.js';
import type { CalibrationApplied } from '../calibration.js';

export interface EngineOptions extends MemoryOptions {
  /** Requests each client sends; default from the coefficients (what the fit assumed). */
  rounds?: number;
  /**
   * The engine's release (e.g. "0.19.0"): releases of one engine differ in speed, and the learned correction
   * reads it. Absent: the newest release of that engine the correction was trained on (what a new deployment
   * would run). null: unknown (benchmark rows that do not say).
   */
  version?: string | null;
  /**
   * Attention-DP ranks prefill together (TensorRT-LLM's attention_dp_config.enable_balance). Default: on for
   * TensorRT-LLM (see engines.ts for why), off otherwise. Only matters for MoE layouts with attention DP.
   */
  attentionDpBalance?: boolean;
}

/** Disaggregated serving: a pool of prefill workers beside the decode workers `layout` describes. */
export interface DisaggRequest {
  prefill: { layout: Partial<Layout> & { tp: number }; workers: number };
  decodeWorkers: number;
}

export interface PredictRequest {
  model: string | ModelArch;
  gpu: string | GpuSpec;
  /** One replica's layout; with `disagg`, one decode worker's. */
  layout: Partial<Layout> & { tp: number };
  /** Prefill/decode disaggregation; `workload.concurrency` is then the clients of the whole deployment. */
  disagg?: DisaggRequest;
  /** Defaults: the checkpoint's dtype for weights, FP8 KV cache for 8-bit-or-less weights, else BF16. */
  precision?: Partial<Precision>;
  workload: { isl: number; osl: number; concurrency: number };
  engine?: EngineOptions;
}

/**
 * Milliseconds per physics term, plus `correction`: what the learned correction added (negative: removed), and
 * `calibration`: what the deployment's own measurements added, when they calibrated the prediction.
 */
export type Breakdown = Record<FeatureName | 'correction', number> & { calibration?: number };

export interface Prediction {
  ttftMs: number;
  ttftP90Ms: number;
  tpotMs: number;
  e2eMs: number;
  /** Output tokens per second of one replica (of the whole prefill + decode deployment when disaggregated). */
  outputTokensPerSec: number;
  requestsPerSec: number;
  perUserTokensPerSec: number;
  gpus: number;
  memory: MemoryReport;
  /** Milliseconds each term contributes to the mean TTFT and TPOT. */
  breakdown: { ttft: Breakdown; tpot: Breakdown };
  sim: { steps: number; requests: number; peakRunning: number; concurrencyPerRank: number };
  /** Factors the learned correction applied to the physics' TTFT and TPOT; null when none was applied. */
  correction: { ttftFactor: number; tpotFactor: number } | null;
  /** What measurements of the same deployment did to TTFT and TPOT (calibration.ts); absent when none did. */
  calibration?: CalibrationApplied;
  /** Disaggregated serving: each pool's GPUs and memory, the KV hand-off, and which pool limits throughput. */
  disagg: DisaggPrediction | null;
  warnings: string[];
}

export interface DisaggPrediction {
  prefillWorkers: number;
  prefillGpus: number;
  decodeWorkers: number;
  decodeGpus: number;
  prefillMemory: MemoryReport;
  /** Link time of one request's KV cache before the fitted interconnect coefficient, ms. */
  kvTransferMs: number;
  /** Mean prompts queued ahead of a new one at a prefill rank. */
  prefillQueue: number;
  /** The pool whose capacity bounds throughput: prefill when prompts queue, else decode. */
  bottleneck: 'prefill' | 'decode';
}

export interface Prepared {
  arch: ModelArch;
  gpu: GpuSpec;
  layout: Layout;
  precision: Precision;
  memory: MemoryReport;
  sim: SimResult;
  /** The simulation's phases, so another requests-per-client count costs no re-simulation. */
  parts: SimParts;
  /** Requests per client `sim` was combined for. */
  rounds: number;
  warnings: string[];
  concurrencyPerRank: number;
  /** The step model the simulation ran on (the learned correction reads its memory/compute balance). */
  model: StepModel;
  /** Token budget of one step (max_num_batched_tokens) the simulation used. */
  tokenBudget: number;
  /** Requests the whole replica completes per simulated request (attention-DP ranks, or prefill ranks). */
  requestScale: number;
  gpus: number;
  disagg: Omit<DisaggPrediction, 'kvTransferMs'> & { kvTransferSeconds: number } | null;
  /** The engine release as a number (engineVersionNumber); NaN when unknown; undefined when not given. */
  engineVersion: number | undefined;
}


export function resolvePrecision(arch: ModelArch, p: Partial<Precision> = {}): Precision {
  const weights = p.weights ?? arch.dtype;
  const low = weights !== 'bf16' && weights !== 'fp16';
  return { weights, experts: p.experts ?? weights, kvCache: p.kvCache ?? (low ? 'fp8' : 'bf16') };
}

/** The coefficient-free part of a prediction: memory and the simulated schedule. Fitting reuses it. */
export function prepare(req: PredictRequest, rounds: number): Prepared {
  const arch = typeof req.model === 'string' ? getModel(req.model) : req.model;
  const gpu = typeof req.gpu === 'string' ? getGpu(req.gpu) : req.gpu;
  const l = makeLayout(req.layout);
  const precision = resolvePrecision(arch, req.precision);
  const { isl, osl, concurrency } = req.workload;
  const o = defaults(req.engine);
  if (req.disagg) return prepareDisagg(req, arch, gpu, l, precision, rounds);
  const memory = memoryReport(arch, gpu, { layout: l, precision, contextTokens: isl + osl, options: req.engine });
  const warnings: string[] = [];
  const concurrencyPerRank = Math.max(1, Math.ceil(concurrency / l.dp));
  let kvCapacityTokens = Number.POSITIVE_INFINITY;
  if (memory.fits) {
    const heldContext = kvHeldContext(req.engine?.backend, isl, osl);
    const held = sequencesThatFit(memory, heldContext);
    // The simulator admits by whole requests: a capacity of `held` requests of isl + osl tokens.
    kvCapacityTokens = held * (isl + osl);
    if (held < Math.min(concurrencyPerRank, o.maxNumSeqs)) {
      warnings.push(`KV cache holds ${held} sequences of ${heldContext} tokens (their average length) per rank; the other ${Math.min(concurrencyPerRank, o.maxNumSeqs) - held} clients queue`);
    }
  } else {
    warnings.push(`does not fit: ${memory.reasons.join('; ')} (predicted as if it did)`);
  }
  if (concurrencyPerRank > o.maxNumSeqs) warnings.push(`max_num_seqs=${o.maxNumSeqs} caps the ${concurrencyPerRank} clients per rank`);
  const model = stepModel(arch, gpu, l, precision);
  const parts = simulateParts(model, {
    concurrency: concurrencyPerRank,
    isl,
    osl,
    maxNumSeqs: o.maxNumSeqs,
    maxNumBatchedTokens: o.maxNumBatchedTokens,
    kvCapacityTokens,
    rounds: Math.max(1, rounds),
    prefillWaves: prefillWaves(req.engine?.backend, req.engine?.attentionDpBalance),
  });
  const r = Math.max(1, Math.round(rounds));
  return { arch, gpu, layout: l, precision, memory, sim: combineRounds(parts, r), parts, rounds: r, warnings, concurrencyPerRank, model, tokenBudget: o.maxNumBatchedTokens, requestScale: l.dp, gpus: gpusPerReplica(l), disagg: null, engineVersion: engineVersionNumber(req.engine?.version) };
}

function prepareDisagg(req: PredictRequest, arch: ModelArch, gpu: GpuSpec, decodeLayout: Layout, precision: Precision, rounds: number): Prepared {
  const d = req.disagg!;
  const o = defaults(req.engine);
  const prefill = { layout: makeLayout(d.prefill.layout), workers: d.prefill.workers };
  const parts = simulateDisagg({
    arch,
    gpu,
    precision,
    prefill,
    decode: { layout: decodeLayout, workers: d.decodeWorkers },
    workload: req.workload,
    options: { ...req.engine, maxNumSeqs: o.maxNumSeqs, maxNumBatchedTokens: o.maxNumBatchedTokens },
    backend: (req.engine?.backend ?? 'vllm').toLowerCase(),
  });
  const r = Math.max(1, Math.round(rounds));
  const prefillRanks = prefill.workers * prefill.layout.dp;
  const prefillGpus = prefill.workers * gpusPerReplica(prefill.layout);
  const decodeGpus = d.decodeWorkers * gpusPerReplica(decodeLayout);
  return {
    arch,
    gpu,
    layout: decodeLayout,
    precision,
    memory: parts.decodeMemory,
    sim: combineRounds(parts, r),
    parts,
    rounds: r,
    warnings: parts.warnings,
    concurrencyPerRank: parts.decodeClientsPerRank,
    model: parts.decodeModel,
    tokenBudget: o.maxNumBatchedTokens,
    requestScale: req.workload.concurrency / parts.burst.requests,
    gpus: prefillGpus + decodeGpus,
    engineVersion: engineVersionNumber(req.engine?.version),
    disagg: {
      prefillWorkers: prefill.workers,
      prefillGpus,
      decodeWorkers: d.decodeWorkers,
      decodeGpus,
      prefillMemory: parts.prefillMemory,
      kvTransferSeconds: parts.kvTransferSeconds,
      prefillQueue: parts.prefillQueue,
      // Prompts queue at the prefill pool when more than one is waiting on average per prefill rank.
      bottleneck: parts.prefillQueue >= 1 || req.workload.concurrency < prefillRanks ? 'prefill' : 'decode',
    },
  };
}

function disaggPrediction(d: NonNullable<Prepared['disagg']>): DisaggPrediction {
  const { kvTransferSeconds, ...rest } = d;
  return { ...rest, kvTransferMs: kvTransferSeconds * 1000 };
}

function breakdown(c: ArrayLike<number>, f: Vec, correctionMs: number): Breakdown {
  const b = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, (c[i] ?? 0) * f[i]! * 1000])) as Breakdown;
  b.correction = correctionMs;
  return b;
}

function percentile(rows: Float64Array, c: ArrayLike<number>, q: number): number {
  const n = rows.length / NF;
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) v[r] = dot(c, rows.subarray(r * NF, r * NF + NF));
  v.sort();
  return v[Math.min(n - 1, Math.floor(q * n))]!;
}

/**
 * Applies coefficients, and the learned correction that was trained on their residuals, to a prepared
 * configuration. The shipped correction goes with the shipped coefficients only: other coefficients get none
 * unless one is passed (null: physics alone).
 */
export function finish(p: Prepared, req: PredictRequest, coeffs: Coefficients = DEFAULT_COEFFICIENTS, correction: Correction | null = coeffs === DEFAULT_COEFFICIENTS ? DEFAULT_CORRECTION : null): Prediction {
  const backend = req.engine?.backend ?? 'vllm';
  const c = coefficientsFor(coeffs, backend);
  const rounds = Math.max(1, Math.round(req.engine?.rounds ?? roundsFor(coeffs, backend)));
  if (rounds !== p.rounds) p = { ...p, sim: combineRounds(p.parts, rounds), rounds };
  const { osl, concurrency } = req.workload;
  const physTtft = dot(c, p.sim.ttft);
  const physTpot = dot(c, p.sim.tpot);
  // A release not given is the newest one the correction knows for this engine (unknown if it knows none).
  if (correction && p.engineVersion === undefined) p = { ...p, engineVersion: correction.latestEngineVersion?.[backend.toLowerCase()] ?? Number.NaN };
  const factors = correction ? correctionFactors(correction, correctionFeatures(p, req.workload, backend, coeffs)) : { ttft: 1, tpot: 1 };
  const ttft = physTtft * factors.ttft;
  const tpot = physTpot * factors.tpot;
  const decodeSteps = Math.max(0, osl - 1);
  const e2e = ttft + tpot * decodeSteps;
  // The closed loop's wall time stretches with each request's corrected lifetime.
  const physE2e = physTtft + physTpot * decodeSteps;
  const wall = dot(c, p.sim.total) * (physE2e > 0 ? e2e / physE2e : 1);
  const requestsPerSec = wall > 0 ? (p.sim.requests * p.requestScale) / wall : 0;
  return {
    ttftMs: ttft * 1000,
    ttftP90Ms: percentile(p.sim.ttftRows, c, 0.9) * factors.ttft * 1000,
    tpotMs: tpot * 1000,
    e2eMs: e2e * 1000,
    outputTokensPerSec: requestsPerSec * osl,
    requestsPerSec,
    perUserTokensPerSec: tpot > 0 ? 1 / tpot : 0,
    gpus: p.gpus,
    memory: p.memory,
    breakdown: { ttft: breakdown(c, p.sim.ttft, (ttft - physTtft) * 1000), tpot: breakdown(c, p.sim.tpot, (tpot - physTpot) * 1000) },
    sim: { steps: p.sim.steps, requests: p.sim.requests, peakRunning: p.sim.peakRunning, concurrencyPerRank: p.disagg ? p.concurrencyPerRank : Math.ceil(concurrency / p.layout.dp) },
    correction: correction ? { ttftFactor: factors.ttft, tpotFactor: factors.tpot } : null,
    disagg: p.disagg ? disaggPrediction(p.disagg) : null,
    warnings: p.warnings,
  };
}

/** Predicts TTFT, TPOT, E2E and throughput of one replica under `workload.concurrency` closed-loop clients. */
export function predict(req: PredictRequest, coeffs: Coefficients = DEFAULT_COEFFICIENTS, correction?: Correction | null): Prediction {
  return finish(prepare(req, req.engine?.rounds ?? roundsFor(coeffs, req.engine?.backend ?? 'vllm')), req, coeffs, correction === undefined ? (coeffs === DEFAULT_COEFFICIENTS ? DEFAULT_CORRECTION : null) : correction);
}
