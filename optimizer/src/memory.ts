// Exact-as-published memory model of one GPU of a replica: weights, KV cache, activations, CUDA graphs and the
// framework's reserve, with the KV cache sized the way the serving engine sizes it (kv-budget.ts). Every number is
// returned so the UI can show why a configuration does not fit.
import { expertParams, kvLayers, moeLayerCount, paramCounts, type ModelArch } from './arch.js';
import type { GpuSpec } from './gpus.js';
import { GiB, gib, kvBudget, kvRuleOf, type KvBudget } from './kv-budget.js';
import { stageGpus, type Layout } from './layout.js';
import { bytesPerParam, kvBytesPerElement, type Precision } from './quant.js';

/** nvidia-smi shows 81,559 MiB on an "80 GB" H100: about 99.5% of the nominal GiB. */
const VISIBLE_FRACTION = 0.9956;

export interface MemoryOptions {
  /** Serving engine: vllm (default), sglang or trtllm. Selects its fitted coefficients, and its rule for sizing the KV cache (kv-budget.ts). */
  backend?: string;
  /**
   * The engine's memory knob: vLLM's gpu_memory_utilization, SGLang's mem_fraction_static or TensorRT-LLM's
   * free_gpu_memory_fraction. Absent: the engine's default (0.9, SGLang's derived from the GPU and the layout).
   */
  memoryFraction?: number;
  maxNumBatchedTokens?: number; // vLLM default 8192
  maxNumSeqs?: number; // vLLM default 256
  /** Captured CUDA graphs: assumed 1 GiB (vLLM logs 0.3–1.5 GiB for common models). */
  cudaGraphBytes?: number;
  /** CUDA context, NCCL buffers, allocator slack outside the profiled peak: assumed 1.5 GiB. */
  frameworkReserveBytes?: number;
}

export interface WeightBreakdown {
  embedding: number;
  lmHead: number;
  attention: number;
  denseMlp: number;
  experts: number;
  sharedExperts: number;
  total: number;
}

/** Weight bytes on the most loaded GPU (a pipeline stage with the most layers plus embedding or lm_head). */
export function weightBytesPerGpu(a: ModelArch, l: Layout, p: Precision): WeightBreakdown {
  const pc = paramCounts(a);
  const dense = bytesPerParam(p.weights);
  const exp = bytesPerParam(p.experts ?? p.weights);
  // Uniform share of layers on the fullest stage; the dense-MLP and MoE layers are assumed spread like the rest.
  const layersOnStage = Math.ceil(a.layers / l.pp) / a.layers;
  const moeOnStage = moeLayerCount(a) === 0 ? 0 : layersOnStage;
  const denseMlpOnStage = layersOnStage;
  // Vocab-parallel over tp; with pp > 1 the first stage holds the embedding and the last the lm_head: take the larger.
  const embedding = (pc.embedding * 2) / l.tp;
  const lmHead = (pc.lmHead * 2) / l.tp;
  const embedOnWorst = l.pp > 1 ? Math.max(embedding, lmHead) : embedding + lmHead;
  const attention = (pc.attention * layersOnStage * dense) / l.tp;
  const denseMlp = (pc.denseMlp * denseMlpOnStage * dense) / l.tp;
  // Experts spread over every GPU of the stage (moe_tp × ep = tp × dp); the router stays 16-bit and replicated.
  const experts = (pc.experts * moeOnStage * exp) / stageGpus(l) + pc.router * moeOnStage * 2;
  const sharedExperts = (pc.sharedExperts * moeOnStage * exp) / l.tp;
  const total = embedOnWorst + attention + denseMlp + experts + sharedExperts;
  return { embedding: l.pp > 1 ? 0 : embedding, lmHead: l.pp > 1 ? embedOnWorst : lmHead, attention, denseMlp, experts, sharedExperts, total };
}

export interface KvCost {
  /** Bytes per token of context per GPU for full-attention (or MLA) layers. */
  perTokenFull: number;
  /** Bytes per token per GPU for sliding-window layers, paid up to `window` tokens. */
  perTokenSliding: number;
  window: number;
  /** Fixed bytes per sequence per GPU (linear-attention state). */
  perSequenceFixed: number;
}

/** KV-cache cost per GPU. GQA splits KV heads over tp (replicating when tp > kvHeads); MLA's latent is replicated on every tp rank. */
export function kvCost(a: ModelArch, l: Layout, kvDtype: Precision['kvCache']): KvCost {
  const el = kvBytesPerElement(kvDtype);
  const { full, sliding } = kvLayers(a);
  const layerShare = Math.ceil(a.layers / l.pp) / a.layers;
  const perLayer = a.mla ? (a.mla.kvLoraRank + a.mla.qkRopeHeadDim) * el : 2 * Math.ceil(a.kvHeads / l.tp) * a.headDim * el;
  const lin = a.linearAttention;
  return {
    perTokenFull: full * layerShare * perLayer,
    perTokenSliding: sliding * layerShare * perLayer,
    window: a.slidingWindow?.window ?? 0,
    perSequenceFixed: lin ? (lin.layers * layerShare * (lin.recurrentState * (lin.recurrentDtype === 'float32' ? 4 : 2) + lin.convState * 2)) / l.tp : 0,
  };
}

export function kvBytesPerSequence(k: KvCost, contextTokens: number): number {
  return k.perTokenFull * contextTokens + k.perTokenSliding * Math.min(contextTokens, k.window) + k.perSequenceFixed;
}

/** Peak activation memory of the profiling forward pass (max_num_batched_tokens tokens) plus the sampler's logits. */
export function activationBytes(a: ModelArch, l: Layout, o: { maxNumBatchedTokens: number; maxNumSeqs: number }): number {
  const tokens = o.maxNumBatchedTokens;
  const mlpWidth = Math.max(a.intermediate, a.moe ? a.moe.expertIntermediate * a.moe.activeExperts : 0) / l.tp;
  const qkv = ((a.heads + 2 * a.kvHeads) * a.headDim) / l.tp;
  // Residual stream, its normalised copy, the QKV and MLP intermediates (gate and up): 16-bit each.
  const perToken = (2 * a.hidden + qkv + 2 * mlpWidth) * 2;
  const logits = Math.min(o.maxNumSeqs, tokens) * (a.vocab / l.tp) * 4;
  return tokens * perToken + logits;
}

export interface MemoryReport {
  fits: boolean;
  reasons: string[];
  gpuBytes: number;
  /** What the engine may allocate in all, weights included, under its memory knob (`budget`). */
  usableBytes: number;
  /** The engine's rule and knob that sized the KV cache. */
  budget: Pick<KvBudget, 'rule' | 'knob' | 'fraction'>;
  weights: WeightBreakdown;
  activationBytes: number;
  cudaGraphBytes: number;
  frameworkReserveBytes: number;
  kvBudgetBytes: number;
  kv: KvCost;
  /** Most sequences of `contextTokens` that fit at once (capped by max_num_seqs), per attention-DP rank. */
  maxConcurrency: number;
  contextTokens: number;
}

export type ResolvedMemoryOptions = Required<Omit<MemoryOptions, 'backend' | 'memoryFraction'>> & Pick<MemoryOptions, 'backend' | 'memoryFraction'>;

export function defaults(o: MemoryOptions = {}): ResolvedMemoryOptions {
  return {
    backend: o.backend,
    memoryFraction: o.memoryFraction,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? 8192,
    maxNumSeqs: o.maxNumSeqs ?? 256,
    cudaGraphBytes: o.cudaGraphBytes ?? 1 * GiB,
    frameworkReserveBytes: o.frameworkReserveBytes ?? 1.5 * GiB,
  };
}

/** Does the model fit one GPU of the layout, and how many sequences of `contextTokens` can run at once? */
export function memoryReport(a: ModelArch, g: GpuSpec, setup: { layout: Layout; precision: Precision; contextTokens: number; options?: MemoryOptions }): MemoryReport {
  const o = defaults(setup.options);
  const l = setup.layout;
  const reasons: string[] = [];
  if (setup.contextTokens > a.maxContext) reasons.push(`context ${setup.contextTokens} exceeds the model's maximum of ${a.maxContext} tokens`);
  if (a.heads % l.tp !== 0) reasons.push(`tp=${l.tp} does not divide the ${a.heads} attention heads`);
  if (l.pp > a.layers) reasons.push(`pp=${l.pp} exceeds the ${a.layers} layers`);
  const gpuBytes = g.memoryGB * GiB * VISIBLE_FRACTION;
  const weights = weightBytesPerGpu(a, l, setup.precision);
  const act = activationBytes(a, l, o);
  const budget = kvBudget({ rule: kvRuleOf(o.backend), fraction: o.memoryFraction, gpuBytes, weightBytes: weights.total, otherBytes: act + o.cudaGraphBytes + o.frameworkReserveBytes, layout: l });
  const kvBudgetBytes = budget.kvBytes;
  const kv = kvCost(a, l, setup.precision.kvCache);
  const perSeq = kvBytesPerSequence(kv, setup.contextTokens);
  const maxConcurrency = Math.min(o.maxNumSeqs, sequencesThatFit({ kv, kvBudgetBytes }, setup.contextTokens));
  if (budget.problem) reasons.push(budget.problem);
  else if (maxConcurrency < 1) reasons.push(`one sequence of ${setup.contextTokens} tokens needs ${gib(perSeq)} of KV cache per GPU; only ${gib(kvBudgetBytes)} is left after weights`);
  return { fits: reasons.length === 0, reasons, gpuBytes, usableBytes: budget.usableBytes, budget: { rule: budget.rule, knob: budget.knob, fraction: budget.fraction }, weights, activationBytes: act, cudaGraphBytes: o.cudaGraphBytes, frameworkReserveBytes: o.frameworkReserveBytes, kvBudgetBytes, kv, maxConcurrency, contextTokens: setup.contextTokens };
}

/** Sequences of `contextTokens` the report's KV cache holds at once (before max_num_seqs). */
export function sequencesThatFit(m: Pick<MemoryReport, 'kv' | 'kvBudgetBytes'>, contextTokens: number): number {
  return m.kvBudgetBytes > 0 ? Math.floor(m.kvBudgetBytes / kvBytesPerSequence(m.kv, contextTokens)) : 0;
}

/** Expected number of distinct experts a layer reads for `tokens` routed tokens (uniform routing). */
export function expertsTouched(a: ModelArch, tokens: number): number {
  if (!a.moe) return 0;
  const { experts, activeExperts } = a.moe;
  return experts * (1 - Math.pow(1 - activeExperts / experts, tokens));
}

export { expertParams };
