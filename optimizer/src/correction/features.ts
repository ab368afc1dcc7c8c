// Inputs of the learned correction: physically meaningful, normalised descriptors of a configuration and its
// load, never identities (no model or GPU names, no raw sizes that would let trees memorise one model). Ratios
// like memory/compute balance, KV-cache load and the fitted physics' own term shares carry over to a model or
// GPU the correction never saw; a tree split on "hidden = 7168" would not. (Model-size, MLA, expert-sparsity and
// GPU ridge-point inputs were tried and left out: they let the trees recognise the training models and made
// the leave-one-model-out error worse; see the README's history.)
//
// Features that move with the prompt length or the client count enter with a declared direction, so the trees
// are trained with monotone constraints and predict() keeps its monotonicity properties (a longer prompt never
// lowers TTFT, more clients never lower TPOT): a non-decreasing factor times a non-decreasing physics time.
import { kvBytesPerSequence } from '../memory.js';
import { coefficientsFor, type Coefficients } from '../perf/coefficients.js';
import { dot, F } from '../perf/features.js';
import type { Prepared } from '../perf/predict.js';
import type { StepShape } from '../perf/step.js';
import { bytesPerParam } from '../quant.js';

export const CORRECTION_FEATURES = [
  'backend_vllm',
  'backend_sglang',
  'backend_trtllm',
  'log2_isl',
  'log2_osl',
  'log2_clients_per_rank',
  'kv_load', // clients per rank / sequences the KV cache holds
  'log2_prefill_load', // log2(1 + isl × clients per rank / token budget)
  'log2_tp',
  'log2_dp',
  'log2_ep',
  'pp',
  'dense_bits',
  'expert_bits',
  'kv_bits',
  'log2_decode_mem_over_compute', // memory / compute time of the decode step at this load
  'log2_prefill_mem_over_compute', // the same for one prefill chunk
  'share_roofline', // fitted physics term shares of a reference step (one sequence decoding at 1k context)
  'share_interconnect',
  'share_fixed', // collectives + layers + step + sequences
  'disaggregated', // 1: prefill runs on its own workers (the other inputs then describe a decode worker)
  'engine_version', // the engine release as a number (engineVersionNumber; missing when unknown): releases differ in speed
] as const;
export type CorrectionFeature = (typeof CORRECTION_FEATURES)[number];

/** +1: the correction may only grow with the feature; −1: only shrink. Per target. */
export const MONOTONE: Record<'ttft' | 'tpot', Partial<Record<CorrectionFeature, 1 | -1>>> = {
  ttft: { log2_isl: 1, kv_load: 1, log2_prefill_load: 1, log2_prefill_mem_over_compute: -1 },
  tpot: { log2_clients_per_rank: 1, kv_load: 1, log2_prefill_load: 1, log2_decode_mem_over_compute: -1 },
};
/** Features a target's trees may not use: they move with isl (TTFT) in no fixed direction. */
export const EXCLUDED: Record<'ttft' | 'tpot', CorrectionFeature[]> = {
  ttft: ['log2_decode_mem_over_compute', 'engine_version'],
  tpot: [],
};

const log2 = (x: number) => Math.log2(Math.max(1e-12, x));
const bits = (d: Parameters<typeof bytesPerParam>[0]) => Math.round(bytesPerParam(d) * 8);

/** The correction's input vector for a prepared configuration under `backend`'s fitted coefficients. */
export function correctionFeatures(p: Prepared, workload: { isl: number; osl: number }, backend: string, coeffs: Coefficients): Float64Array {
  const { layout: l, precision, memory, model } = p;
  const be = backend.toLowerCase();
  const { isl, osl } = workload;
  const clients = p.concurrencyPerRank;
  const perSeq = kvBytesPerSequence(memory.kv, isl + osl);
  const kvSeqs = memory.kvBudgetBytes > 0 && perSeq > 0 ? memory.kvBudgetBytes / perSeq : 0;
  const running = Math.max(1, Math.min(clients, Math.floor(kvSeqs) || 1));
  const decode: StepShape = { decodeSeqs: running, decodeContext: running * (isl + osl / 2), prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 };
  const chunk = Math.min(isl, p.tokenBudget);
  const prefill: StepShape = { decodeSeqs: 0, decodeContext: 0, prefillTokens: chunk, prefillPairs: (chunk * chunk) / 2, prefillSeqs: 1 };
  const db = model.balance(decode);
  const pb = model.balance(prefill);
  const c = coefficientsFor(coeffs, be);
  const ref = model.features({ decodeSeqs: 1, decodeContext: 1024, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
  const term = (i: number) => (c[i] ?? 0) * ref[i]!;
  const total = dot(c, ref) || 1;
  const v: Record<CorrectionFeature, number> = {
    backend_vllm: be === 'vllm' ? 1 : 0,
    backend_sglang: be === 'sglang' ? 1 : 0,
    backend_trtllm: be === 'trtllm' ? 1 : 0,
    log2_isl: log2(isl),
    log2_osl: log2(osl),
    log2_clients_per_rank: log2(clients),
    kv_load: Math.min(8, kvSeqs > 0 ? clients / kvSeqs : 8),
    log2_prefill_load: log2(1 + (isl * clients) / p.tokenBudget),
    log2_tp: log2(l.tp),
    log2_dp: log2(l.dp),
    log2_ep: log2(l.ep),
    pp: l.pp,
    dense_bits: bits(precision.weights),
    expert_bits: bits(precision.experts ?? precision.weights),
    kv_bits: precision.kvCache === 'fp8' ? 8 : 16,
    log2_decode_mem_over_compute: log2(db.tMem / Math.max(1e-15, db.tCmp)),
    log2_prefill_mem_over_compute: log2(pb.tMem / Math.max(1e-15, pb.tCmp)),
    share_roofline: (term(F.roofline) + term(F.overlap)) / total,
    share_interconnect: term(F.interconnect) / total,
    share_fixed: (term(F.collectives) + term(F.layers) + term(F.step) + term(F.sequences)) / total,
    disaggregated: p.disagg ? 1 : 0,
    engine_version: p.engineVersion ?? Number.NaN,
  };
  return Float64Array.from(CORRECTION_FEATURES, (n) => v[n]);
}
