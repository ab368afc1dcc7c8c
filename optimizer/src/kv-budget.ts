// How much of a GPU each serving engine gives its KV cache. The engines read their memory knob differently, and
// where the weights nearly fill the GPU the difference decides the batch: DeepSeek-R1 FP8 at TP4 on B200 (157 of
// 179 GiB in weights) holds 4 sequences of 9k tokens under vLLM's rule and 57 under TensorRT-LLM's. Its measured
// TensorRT-LLM runs at 8 and 16 clients show no queueing (TTFT 0.49 and 0.65 s), where vLLM's rule predicted
// 9.8 and 26.5 s of waiting for a slot.
// - vLLM, gpu_memory_utilization (default 0.9): that fraction of the whole GPU holds everything the engine
//   allocates: weights, the profiled activation peak, CUDA graphs and the KV cache.
// - SGLang, mem_fraction_static: that fraction of the whole GPU holds the weights and the KV pool; the remainder is
//   left to activations and CUDA graphs. Unset, SGLang derives it at start-up from the GPU's memory and the layout
//   (ServerArgs._handle_gpu_memory_settings in python/sglang/srt/server_args.py), as sglangMemFractionStatic does.
// - TensorRT-LLM, kv_cache_config.free_gpu_memory_fraction (default 0.9): that fraction of what is free after the
//   weights are loaded and a profiling forward pass has run.
import type { Layout } from './layout.js';

export type KvRule = 'vllm' | 'sglang' | 'trtllm';
export type MemoryKnob = 'gpu_memory_utilization' | 'mem_fraction_static' | 'free_gpu_memory_fraction';

const KNOB: Record<KvRule, MemoryKnob> = { vllm: 'gpu_memory_utilization', sglang: 'mem_fraction_static', trtllm: 'free_gpu_memory_fraction' };
const LABEL: Record<KvRule, string> = { vllm: 'vLLM', sglang: 'SGLang', trtllm: 'TensorRT-LLM' };

/** The KV rule of an engine as requests name it; none or an unknown one gets vLLM's. */
export function kvRuleOf(backend: string | undefined): KvRule {
  const b = (backend ?? '').toLowerCase();
  return b === 'sglang' || b === 'trtllm' ? b : 'vllm';
}

export interface KvBudgetInput {
  rule: KvRule;
  /** The engine's knob; absent: the engine's own default. */
  fraction?: number;
  /** Memory the GPU shows (nvidia-smi's total). */
  gpuBytes: number;
  weightBytes: number;
  /** Activation peak, CUDA graphs and the framework's reserve: everything besides weights and KV. */
  otherBytes: number;
  layout: Layout;
}

export interface KvBudget {
  rule: KvRule;
  knob: MemoryKnob;
  fraction: number;
  /** What the engine may allocate in all (weights included). */
  usableBytes: number;
  /** Bytes left for the KV cache; zero or less when nothing is. */
  kvBytes: number;
  /** Why there is no KV cache at all, in numbers; null when there is one. */
  problem: string | null;
}

export const GiB = 1024 ** 3;
/** Bytes as GiB with one decimal, the way memory verdicts quote them. */
export const gib = (b: number) => `${(b / GiB).toFixed(1)} GiB`;

export function kvBudget(i: KvBudgetInput): KvBudget {
  const knob = KNOB[i.rule];
  const fraction = i.fraction ?? (i.rule === 'sglang' ? sglangMemFractionStatic(i.gpuBytes, i.layout) : 0.9);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`${knob} must be in (0, 1], got ${fraction}`);
  const setting = `${LABEL[i.rule]}'s ${knob} ${round3(fraction)}`;
  const w = i.weightBytes;
  if (i.rule === 'trtllm') {
    const free = i.gpuBytes - w - i.otherBytes;
    const kvBytes = fraction * free;
    const problem = free > 0 ? null : `weights ${gib(w)} + activations, CUDA graphs and reserve ${gib(i.otherBytes)} exceed the GPU's ${gib(i.gpuBytes)}: no room for a KV cache`;
    return { rule: i.rule, knob, fraction, usableBytes: w + i.otherBytes + Math.max(0, kvBytes), kvBytes, problem };
  }
  const usableBytes = i.gpuBytes * fraction;
  // SGLang's fraction covers weights and KV only (the rest is what it reserved); vLLM's covers everything.
  const kvBytes = usableBytes - w - (i.rule === 'vllm' ? i.otherBytes : 0);
  let problem: string | null = null;
  if (w > usableBytes) problem = `weights need ${gib(w)} per GPU but ${setting} leaves ${gib(usableBytes)} of the GPU's ${gib(i.gpuBytes)}`;
  else if (kvBytes <= 0) problem = `weights ${gib(w)} + activations, CUDA graphs and reserve ${gib(i.otherBytes)} exceed the ${gib(usableBytes)} that ${setting} allows: no room for a KV cache`;
  return { rule: i.rule, knob, fraction, usableBytes, kvBytes, problem };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** Below this SGLang's derived default leaves no useful KV pool: nobody deploys on it. */
const MIN_DERIVED_FRACTION = 0.5;
/** An assumed hand-set mem_fraction_static for wide-EP deployments, where the derived default is unusable. */
const WIDE_EP_FRACTION = 0.8;

/**
 * SGLang's default mem_fraction_static: (memory − reserve) / memory, the reserve (MiB) being 512 + 1.5 per token of
 * the chunked-prefill size + 2 per CUDA-graph batch size + 1024 × tp × pp / 8, plus 3 (4.5 past 300) per graph
 * batch size and attention-DP rank. The prefill size and the largest graph batch come in tiers of GPU memory (SGLang
 * also floors the reserve at 10 GiB on GPUs over 60 GiB, which its tiers there always exceed). SGLang's tp_size is every GPU of the replica when attention is data-parallel.
 * Past about 30 attention-DP ranks the padding alone outgrows the GPU (72 ranks: 162 GiB), so wide-EP deployments
 * cannot run on the default and set the fraction by hand; WIDE_EP_FRACTION stands in for it there.
 */
export function sglangMemFractionStatic(gpuBytes: number, l: Layout): number {
  const mib = gpuBytes / 2 ** 20;
  const tp = l.tp * l.dp;
  const [chunk, graphBs] =
    mib < 20 * 1024 ? [2048, 8] : mib < 35 * 1024 ? [2048, tp < 4 ? 24 : 80] : mib < 60 * 1024 ? [4096, tp < 4 ? 32 : 160] : mib < 160 * 1024 ? [8192, tp < 4 ? 256 : 512] : [16384, 512];
  let reserve = 512 + 1.5 * chunk + 2 * graphBs + ((tp * l.pp) / 8) * 1024;
  if (l.dp > 1) reserve += graphBs * l.dp * (graphBs > 300 ? 4.5 : 3);
  const derived = round3((mib - reserve) / mib);
  return derived < MIN_DERIVED_FRACTION ? WIDE_EP_FRACTION : derived;
}
