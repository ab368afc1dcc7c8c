// Disaggregated prefill/decode serving under a closed-loop benchmark. Prefill workers (their own layout and
// count) compute each prompt and hand its KV cache to a decode worker over the link; decode workers (their own
// layout and count) run decode-only steps. So TTFT = queueing at the prefill pool + the prompt's own prefill +
// the KV transfer, and TPOT = a decode step of the running batch with no prefill chunks in it.
//
// The closed loop couples the two pools in time (a client returns to the prefill queue one decode lifetime after
// its first token), which a token-count schedule cannot express. The queue length at the prefill pool is solved
// by exact mean-value analysis of a closed network (the prefill rank as a queueing station, the decode lifetime
// as a delay) with SCHEDULE_PRIOR step times; TTFT is then `own prefill + queue × per-request prefill cost`, a
// linear combination of step feature vectors, so the fit stays linear in the coefficients like the aggregated
// simulation. The prior is data-free (every coefficient 1: datasheet roofline plus each overhead at face
// value), so prepare() stays coefficient-free and a hold-out never sees the held-out rows through it.
import type { ModelArch } from '../arch.js';
import { groupLinkBytesPerSec, type GpuSpec } from '../gpus.js';
import { gpusPerReplica, type Layout } from '../layout.js';
import { kvHeldContext } from '../engines.js';
import { kvBytesPerSequence, kvCost, memoryReport, sequencesThatFit, type MemoryOptions, type MemoryReport } from '../memory.js';
import type { Precision } from '../quant.js';
import { dot, F, NF, UNIT, zeros, type Vec } from './features.js';
import type { SimParts, SimResult } from './scheduler.js';
import { stepModel, type StepModel } from './step.js';

/** Step-time weights the prefill queue is solved with (see the header): data-free, all ones. */
export const SCHEDULE_PRIOR: readonly number[] = new Array(NF).fill(1);

export interface DisaggSetup {
  arch: ModelArch;
  gpu: GpuSpec;
  precision: Precision;
  prefill: { layout: Layout; workers: number };
  decode: { layout: Layout; workers: number };
  workload: { isl: number; osl: number; concurrency: number };
  options: Required<Pick<MemoryOptions, 'maxNumSeqs' | 'maxNumBatchedTokens'>> & MemoryOptions;
  backend: string;
}

export interface DisaggParts extends SimParts {
  prefillMemory: MemoryReport;
  decodeMemory: MemoryReport;
  decodeModel: StepModel;
  /** Decode clients per attention-DP rank of one decode worker. */
  decodeClientsPerRank: number;
  /** Seconds of link time per request for its KV cache (before the interconnect coefficient). */
  kvTransferSeconds: number;
  /** Mean requests queued ahead of a new one at a prefill rank (under SCHEDULE_PRIOR). */
  prefillQueue: number;
  warnings: string[];
}

const add = (a: Vec, b: Vec, k = 1): Vec => {
  const o = zeros();
  for (let i = 0; i < NF; i++) o[i] = a[i]! + k * b[i]!;
  return o;
};
const scale = (a: Vec, k: number): Vec => add(zeros(), a, k);

/**
 * Closed network of `clients` customers cycling between a single-server queue and a delay (exact MVA).
 * A customer's own service is `own`; each customer already queued adds `perQueued`. Returns the mean number
 * queued that an arriving customer finds (arrival theorem: the network with one customer fewer).
 */
export function closedLoopQueue(clients: number, own: number, perQueued: number, delay: number): number {
  let q = 0;
  let seen = 0;
  const n = Math.max(1, Math.round(clients));
  for (let k = 1; k <= n; k++) {
    seen = q;
    const r = own + perQueued * q;
    q = (k * r) / (r + delay);
  }
  return seen;
}

export function simulateDisagg(s: DisaggSetup): DisaggParts {
  const { arch, gpu, precision, prefill, decode, backend } = s;
  const { isl: I, osl, concurrency: c } = s.workload;
  const q = osl - 1;
  const B = Math.max(1, s.options.maxNumBatchedTokens);
  const warnings: string[] = [];
  for (const [w, what] of [[prefill.workers, 'prefill'], [decode.workers, 'decode']] as const) {
    if (!Number.isInteger(w) || w < 1) throw new Error(`${what} workers must be a positive integer, got ${w}`);
  }
  const prefillMemory = memoryReport(arch, gpu, { layout: prefill.layout, precision, contextTokens: I, options: s.options });
  const decodeMemory = memoryReport(arch, gpu, { layout: decode.layout, precision, contextTokens: I + osl, options: s.options });
  if (!prefillMemory.fits) warnings.push(`prefill worker does not fit: ${prefillMemory.reasons.join('; ')} (predicted as if it did)`);
  if (!decodeMemory.fits) warnings.push(`decode worker does not fit: ${decodeMemory.reasons.join('; ')} (predicted as if it did)`);
  const mP = stepModel(arch, gpu, prefill.layout, precision);
  const mD = stepModel(arch, gpu, decode.layout, precision);

  // Decode side: every running sequence decodes every step; clients beyond the KV cache wait for a slot.
  const clientsPerRank = Math.max(1, Math.ceil(c / (decode.workers * decode.layout.dp)));
  const admit = Math.max(1, Math.min(s.options.maxNumSeqs, decodeMemory.fits ? sequencesThatFit(decodeMemory, kvHeldContext(backend, I, osl)) : Number.POSITIVE_INFINITY));
  const running = Math.min(clientsPerRank, admit);
  if (clientsPerRank > admit) warnings.push(`decode KV cache holds ${admit} sequences per rank; the other ${clientsPerRank - admit} clients wait for a slot`);
  const fDecode = mD.features({ decodeSeqs: running, decodeContext: running * (I + (q + 1) / 2), prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
  const decodeLife = scale(fDecode, q);
  // A client that finds every slot taken waits (clients/running − 1) decode lifetimes (Little's law).
  const slotWait = scale(decodeLife, clientsPerRank / running - 1);

  // Prefill side: a prompt alone takes ⌈I/B⌉ chunks; under load, prompts pack into full B-token steps.
  const chunks = Math.ceil(I / B);
  const own = scale(mP.features({ decodeSeqs: 0, decodeContext: 0, prefillTokens: I / chunks, prefillPairs: (I * I) / 2 / chunks, prefillSeqs: 1 }), chunks);
  const perStep = Math.max(1, Math.floor(B / I));
  const perRequest = I >= B ? own : scale(mP.features({ decodeSeqs: 0, decodeContext: 0, prefillTokens: perStep * I, prefillPairs: (perStep * I * I) / 2, prefillSeqs: perStep }), 1 / perStep);

  // KV hand-off: the whole prompt's KV cache (every layer, every KV head) from the prefill GPUs holding it to
  // the decode worker, one lane per GPU of the sending attention group; NVLink when both pools share a domain.
  const bytes = kvBytesPerSequence(kvCost(arch, { tp: 1, pp: 1, dp: 1, ep: 1 }, precision.kvCache), I);
  const lanes = Math.max(1, Math.min(prefill.layout.tp * prefill.layout.pp, decode.layout.tp * decode.layout.pp));
  const allGpus = prefill.workers * gpusPerReplica(prefill.layout) + decode.workers * gpusPerReplica(decode.layout);
  const kvTransferSeconds = bytes / (lanes * groupLinkBytesPerSec(gpu, allGpus));
  const transfer = zeros();
  transfer[F.interconnect] = kvTransferSeconds;
  transfer[F.request] = UNIT.request;
  transfer[F.requestLayers] = own[F.layers]! / chunks; // the prefill worker admits the prompt

  // SGLang allocates the decode slot before the prefill starts (the wait shows in TTFT); TensorRT-LLM and vLLM
  // return the first token from the prefill worker, so a full decode pool stretches the next tokens (TPOT).
  const waitInTtft = backend === 'sglang';
  const prefillRanks = prefill.workers * prefill.layout.dp;
  const t = (v: Vec) => dot(SCHEDULE_PRIOR, v);
  const delay = t(decodeLife) + t(transfer) + (waitInTtft ? 0 : t(slotWait));
  const prefillQueue = closedLoopQueue(Math.min(c, decode.workers * decode.layout.dp * admit) / prefillRanks, t(own), t(perRequest), delay);
  const ttftSteady = add(add(add(own, perRequest, prefillQueue), transfer), waitInTtft ? slotWait : zeros());
  const tpot = q > 0 ? add(fDecode, slotWait, waitInTtft ? 0 : 1 / q) : zeros();

  // First wave: every client sends at once; a prefill rank works through its share in order.
  const perRank = Math.max(1, Math.round(c / prefillRanks));
  const ttftRows = new Float64Array(perRank * NF);
  const burstTtft = zeros();
  for (let k = 0; k < perRank; k++) {
    const row = add(add(own, perRequest, k), transfer);
    ttftRows.set(row, k * NF);
    for (let i = 0; i < NF; i++) burstTtft[i]! += row[i]! / perRank;
  }
  const burstTotal = add(add(burstTtft, perRequest, (perRank - 1) / 2), decodeLife);
  const burst: SimResult = { ttft: burstTtft, tpot: fDecode, total: burstTotal, ttftRows, requests: c, steps: perRank + q, peakRunning: running };
  const steady = { ttft: ttftSteady, tpot, perRound: add(ttftSteady, tpot, q), steps: chunks + prefillQueue + q, running };
  return {
    burst,
    steady,
    prefillMemory,
    decodeMemory,
    decodeModel: mD,
    decodeClientsPerRank: clientsPerRank,
    kvTransferSeconds,
    prefillQueue,
    warnings,
  };
}
