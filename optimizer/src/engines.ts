// The serving engines the optimizer models: the GPUs each one runs on, and where their schedulers differ.
import type { GpuSpec } from './gpus.js';

export const ENGINES = ['vllm', 'sglang', 'trtllm'] as const;
export type Engine = (typeof ENGINES)[number];

/** An engine name as requests give it; none means vLLM, the predictor's default. */
const engineName = (engine: string | undefined): string => (engine ?? 'vllm').toLowerCase();

const SUPPORT: Record<Engine, { label: string; vendors: readonly GpuSpec['vendor'][] }> = {
  // ROCm and Intel XPU builds are part of vLLM's own install guide.
  vllm: { label: 'vLLM', vendors: ['nvidia', 'amd', 'intel'] },
  // docs.sglang.io lists AMD GPUs and Intel XPU (Arc Pro B-Series) among its hardware platforms.
  sglang: { label: 'SGLang', vendors: ['nvidia', 'amd', 'intel'] },
  // TensorRT-LLM is built on CUDA and TensorRT.
  trtllm: { label: 'TensorRT-LLM', vendors: ['nvidia'] },
};

/** The engine's own name ("TensorRT-LLM"); an unknown one as given. */
export function engineLabel(engine: string | undefined): string {
  return SUPPORT[engineName(engine) as Engine]?.label ?? engine ?? 'vLLM';
}

/** Why `engine` cannot serve on `gpu`, or null when it can (and for engines the table does not know). */
export function engineUnsupportedReason(engine: string | undefined, gpu: GpuSpec): string | null {
  const s = SUPPORT[engineName(engine) as Engine];
  if (!s || s.vendors.includes(gpu.vendor)) return null;
  const others = ENGINES.filter((e) => SUPPORT[e].vendors.includes(gpu.vendor)).map((e) => SUPPORT[e].label);
  return `${s.label} does not run on ${gpu.name} (${gpu.vendor.toUpperCase()}): plan it with ${others.join(' or ')}`;
}

/**
 * TensorRT-LLM's attention-DP balance (attention_dp_config.enable_balance) holds a rank's new prompt until every
 * rank has one (at most `timeout_iters`, 50 by default), then `batching_wait_iters` (10) more, so the ranks prefill
 * in the same step instead of stalling each other's decodes one at a time. Its default is off, but NVIDIA's
 * DeepSeek and Kimi wide-EP recipes turn it on, and the measured TensorRT-LLM attention-DP runs of DeepSeek fit it:
 * modelled as independent ranks their TPOT came out 1.4–2.5× too high and their TTFT too low (the gpt-oss ones,
 * 17 rows, fit independent ranks better). So it is assumed on for TensorRT-LLM unless `balance` says otherwise;
 * vLLM and SGLang have no such mode.
 */
export function prefillWaves(engine: string | undefined, balance?: boolean): { timeoutSteps: number; batchingSteps: number } | undefined {
  const on = balance ?? engineName(engine) === 'trtllm';
  return on ? { timeoutSteps: 50, batchingSteps: 10 } : undefined;
}

/**
 * The context each running sequence occupies in the KV cache, on average over a steady closed-loop run. vLLM and
 * SGLang allocate cache pages as a sequence grows (and preempt one when the cache runs out), so sequences at every
 * stage of their output share it: on average the prompt plus half the output. TensorRT-LLM's default capacity
 * policy (GUARANTEED_NO_EVICT) admits a request only when its whole length fits, so each one holds isl + osl.
 */
export function kvHeldContext(engine: string | undefined, isl: number, osl: number): number {
  return engineName(engine) === 'trtllm' ? isl + osl : isl + Math.ceil(osl / 2);
}
