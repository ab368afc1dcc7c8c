// The serving engines the optimizer models, and the GPUs each one runs on.
import type { GpuSpec } from './gpus.js';

export const ENGINES = ['vllm', 'sglang', 'trtllm'] as const;
export type Engine = (typeof ENGINES)[number];

const SUPPORT: Record<Engine, { label: string; vendors: readonly GpuSpec['vendor'][] }> = {
  // ROCm and Intel XPU builds are part of vLLM's own install guide.
  vllm: { label: 'vLLM', vendors: ['nvidia', 'amd', 'intel'] },
  // docs.sglang.io lists AMD GPUs and Intel XPU (Arc Pro B-Series) among its hardware platforms.
  sglang: { label: 'SGLang', vendors: ['nvidia', 'amd', 'intel'] },
  // TensorRT-LLM is built on CUDA and TensorRT.
  trtllm: { label: 'TensorRT-LLM', vendors: ['nvidia'] },
};

/** Why `engine` cannot serve on `gpu`, or null when it can (and for engines the table does not know). */
export function engineUnsupportedReason(engine: string | undefined, gpu: GpuSpec): string | null {
  const s = SUPPORT[(engine ?? 'vllm').toLowerCase() as Engine];
  if (!s || s.vendors.includes(gpu.vendor)) return null;
  const others = ENGINES.filter((e) => SUPPORT[e].vendors.includes(gpu.vendor)).map((e) => SUPPORT[e].label);
  return `${s.label} does not run on ${gpu.name} (${gpu.vendor.toUpperCase()}): plan it with ${others.join(' or ')}`;
}
