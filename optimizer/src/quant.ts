// Bytes per parameter and the tensor-core peak a dtype runs at. Block scales are counted because at 4 bits they
// are 3–12% of the weight bytes, which is the difference between fitting and not fitting on a tight GPU.
import type { WeightDtype } from './arch.js';
import type { GpuSpec } from './gpus.js';

export type KvDtype = 'bf16' | 'fp16' | 'fp8';

/** How a deployment stores its weights and KV cache. Embeddings and lm_head stay 16-bit in every common recipe. */
export interface Precision {
  /** Attention and dense-MLP GEMMs. */
  weights: WeightDtype;
  /** Routed and shared experts; defaults to `weights`. */
  experts?: WeightDtype;
  kvCache: KvDtype;
}

const BYTES: Record<WeightDtype, number> = {
  bf16: 2,
  fp16: 2,
  fp8: 1, // per-tensor or 128×128 block scales: < 0.01%
  int8: 1,
  fp4: 0.5 + 1 / 16, // NVFP4: one FP8 scale per 16 values
  mxfp4: 0.5 + 1 / 32, // MXFP4: one E8M0 scale per 32 values
  int4: 0.5 + 2 / 128, // weight-only INT4 with a 16-bit scale per group of 128
};

export function bytesPerParam(d: WeightDtype): number {
  return BYTES[d];
}

export function kvBytesPerElement(d: KvDtype): number {
  return d === 'fp8' ? 1 : 2;
}

/** Dense tensor-core FLOP/s for GEMMs whose weights are stored as `d` (weight-only formats compute in 16 bit). */
export function gemmPeakFlops(g: GpuSpec, d: WeightDtype): number {
  const tf = d === 'fp4' ? (g.fp4Tflops ?? g.fp8Tflops ?? g.bf16Tflops) : d === 'fp8' ? (g.fp8Tflops ?? g.bf16Tflops) : g.bf16Tflops;
  return tf * 1e12;
}

/** Maps the measured data's precision names (gemm_quant_mode / moe_quant_mode / precision) to a WeightDtype. */
export function parseDtype(s: string | undefined): WeightDtype | undefined {
  switch ((s ?? '').trim().toLowerCase()) {
    case 'bf16':
    case 'float16':
    case 'fp16':
    case 'bfloat16':
      return 'bf16';
    case 'fp8':
    case 'fp8_block':
    case 'fp8_per_tensor':
      return 'fp8';
    case 'fp4':
    case 'nvfp4':
      return 'fp4';
    case 'mxfp4':
    case 'w4a16_mxfp4':
      return 'mxfp4';
    case 'int4':
    case 'int4_wo':
    case 'awq':
    case 'gptq':
      return 'int4';
    case 'int8':
    case 'int8_wo':
      return 'int8';
    default:
      return undefined;
  }
}
