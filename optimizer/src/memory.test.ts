import { describe, expect, it } from 'vitest';
import { getGpu } from './gpus.js';
import { layout } from './layout.js';
import { kvBytesPerSequence, kvCost, memoryReport, weightBytesPerGpu } from './memory.js';
import { getModel } from './models.js';

const GiB = 1024 ** 3;
const h100 = getGpu('h100_sxm');
const bf16 = { weights: 'bf16', kvCache: 'bf16' } as const;

describe('memory model, hand-computed cases', () => {
  it('Llama-3.1-8B BF16 on one H100: 16.06 GB of weights, 128 KiB of KV per token, about 53 sequences of 8k', () => {
    const a = getModel('llama-3.1-8b');
    expect(weightBytesPerGpu(a, layout({ tp: 1 }), bf16).total).toBe(16_059_990_016);
    expect(kvCost(a, layout({ tp: 1 }), 'bf16').perTokenFull).toBe(131_072);
    // usable 80 GiB × 0.9956 × 0.9 = 71.7 GiB − 14.96 weights − 2.5 graphs/reserve − 0.78 activations ≈ 53.4 GiB; 1 GiB per 8k sequence
    const r = memoryReport(a, h100, { layout: layout({ tp: 1 }), precision: bf16, contextTokens: 8192 });
    expect(r.fits).toBe(true);
    expect(r.maxConcurrency).toBeGreaterThanOrEqual(52);
    expect(r.maxConcurrency).toBeLessThanOrEqual(54);
  });

  it('Llama-3.1-70B BF16 does not fit one H100 and says so in GiB', () => {
    const r = memoryReport(getModel('llama-3.1-70b'), h100, { layout: layout({ tp: 1 }), precision: bf16, contextTokens: 4096 });
    expect(r.fits).toBe(false);
    expect(r.reasons.join()).toMatch(/weights need 131\.\d GiB per GPU but vLLM's gpu_memory_utilization 0\.9 leaves 71\.7 GiB of the GPU's 79\.6 GiB/);
  });

  it('Llama-3.1-70B BF16 on 2×H100 fits at 8k context but not at 128k', () => {
    const a = getModel('llama-3.1-70b');
    const l = layout({ tp: 2 });
    expect(weightBytesPerGpu(a, l, bf16).total).toBe(70_552_387_584);
    expect(kvCost(a, l, 'bf16').perTokenFull).toBe(80 * 2 * 4 * 128 * 2);
    expect(memoryReport(a, h100, { layout: l, precision: bf16, contextTokens: 8192 }).fits).toBe(true);
    const long = memoryReport(a, h100, { layout: l, precision: bf16, contextTokens: 131072 });
    expect(long.fits).toBe(false);
    expect(long.reasons.join()).toMatch(/one sequence of 131072 tokens needs 20\.0 GiB/);
  });

  it('Llama-3.1-70B BF16 on 4×H100 holds 35.3 GB of weights per GPU', () => {
    expect(weightBytesPerGpu(getModel('llama-3.1-70b'), layout({ tp: 4 }), bf16).total).toBe(35_276_193_792);
  });

  it('Mixtral-8x7B BF16 needs two H100s', () => {
    const a = getModel('mixtral-8x7b');
    expect(memoryReport(a, h100, { layout: layout({ tp: 1 }), precision: bf16, contextTokens: 4096 }).fits).toBe(false);
    const two = memoryReport(a, h100, { layout: layout({ tp: 2 }), precision: bf16, contextTokens: 4096 });
    expect(two.fits).toBe(true);
    expect(two.weights.total / 1e9).toBeCloseTo(46.7, 1);
  });

  it('Llama-3.1-405B FP8 fits 8×H100 at 128k (5 sequences with an FP8 KV cache) and not 4×H100', () => {
    const a = getModel('llama-3.1-405b');
    const fp8 = { weights: 'fp8', kvCache: 'fp8' } as const;
    const eight = memoryReport(a, h100, { layout: layout({ tp: 8 }), precision: fp8, contextTokens: 131072 });
    // 401.6 B linear params × 1 B / 8 + 4.2 B embedding params × 2 B / 8 = 51.26 GB per GPU
    expect(eight.weights.total).toBe(51_256_492_032);
    expect(kvCost(a, layout({ tp: 8 }), 'fp8').perTokenFull).toBe(126 * 2 * 1 * 128);
    expect(eight.fits).toBe(true);
    expect(eight.maxConcurrency).toBe(5);
    const bf16kv = memoryReport(a, h100, { layout: layout({ tp: 8 }), precision: { weights: 'fp8', kvCache: 'bf16' }, contextTokens: 131072 });
    expect(bf16kv.maxConcurrency).toBe(2);
    const four = memoryReport(a, h100, { layout: layout({ tp: 4 }), precision: fp8, contextTokens: 8192 });
    expect(four.fits).toBe(false);
    expect(four.reasons.join()).toMatch(/weights need/);
  });

  it('refuses a context beyond the model maximum', () => {
    const r = memoryReport(getModel('llama-3.1-405b'), h100, { layout: layout({ tp: 8 }), precision: { weights: 'fp8', kvCache: 'fp8' }, contextTokens: 200_000 });
    expect(r.reasons.join()).toMatch(/exceeds the model's maximum of 131072/);
  });

  it('stores one MLA latent per token for DeepSeek, replicated on every tensor-parallel rank', () => {
    const a = getModel('deepseek-ai/DeepSeek-V3');
    expect(kvCost(a, layout({ tp: 8 }), 'fp8').perTokenFull).toBe(61 * 576);
    expect(kvCost(a, layout({ tp: 1 }), 'fp8').perTokenFull).toBe(61 * 576);
  });

  it('caps sliding-window layers at the window (gpt-oss)', () => {
    const k = kvCost(getModel('openai/gpt-oss-120b'), layout({ tp: 1 }), 'bf16');
    const perLayer = 2 * 8 * 64 * 2;
    expect(kvBytesPerSequence(k, 10_000)).toBe(18 * perLayer * 10_000 + 18 * perLayer * 128);
  });

  it('holds experts only for the MoE layers of Llama-4 Maverick (every second layer)', () => {
    const a = getModel('meta-llama/Llama-4-Maverick-17B-128E-Instruct');
    const w = weightBytesPerGpu(a, layout({ tp: 8 }), bf16);
    // 24 MoE layers × 128 experts × 3 × 5120 × 8192 × 2 B over 8 GPUs, plus the replicated 16-bit router
    expect(w.experts).toBe((24 * 128 * 3 * 5120 * 8192 * 2) / 8 + 24 * 5120 * 128 * 2);
    expect(w.denseMlp).toBe((24 * 3 * 5120 * 16384 * 2) / 8);
  });

  it('gives Qwen3.5 a fixed state per sequence for its Gated DeltaNet layers and KV only for the full-attention ones', () => {
    const k = kvCost(getModel('Qwen/Qwen3.5-397B-A17B'), layout({ tp: 2 }), 'bf16');
    // The recurrent state in float32 (the config's mamba_ssm_dtype), the conv state in bf16, split over tp.
    expect(k.perSequenceFixed).toBe((45 * (64 * 128 * 128 * 4 + 12288 * 3 * 2)) / 2);
    expect(k.perTokenFull).toBe(15 * 2 * 1 * 256 * 2);
  });

  it('rejects a gpu_memory_utilization outside (0, 1]', () => {
    expect(() => memoryReport(getModel('llama-3.1-8b'), h100, { layout: layout({ tp: 1 }), precision: bf16, contextTokens: 10, options: { memoryFraction: 1.5 } })).toThrow(/gpu_memory_utilization must be in \(0, 1\]/);
  });

  it('reports in GiB consistent with the byte counts', () => {
    const r = memoryReport(getModel('llama-3.1-8b'), h100, { layout: layout({ tp: 1 }), precision: bf16, contextTokens: 8192 });
    expect(r.usableBytes / GiB).toBeCloseTo(71.68, 1);
  });
});
