import { describe, expect, it } from 'vitest';
import { kvHeldContext } from './engines.js';
import { getGpu } from './gpus.js';
import { kvBudget, kvRuleOf, sglangMemFractionStatic } from './kv-budget.js';
import { layout } from './layout.js';
import { memoryReport, sequencesThatFit } from './memory.js';
import { getModel } from './models.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const fp8 = { weights: 'fp8', kvCache: 'fp8' } as const;

describe('each engine sizes its KV cache by its own rule', () => {
  const base = { gpuBytes: 80 * GiB, weightBytes: 40 * GiB, otherBytes: 4 * GiB, layout: layout({ tp: 1 }) };

  it('vLLM: gpu_memory_utilization of the whole GPU holds weights, activations, graphs and the KV cache', () => {
    const b = kvBudget({ ...base, rule: 'vllm' });
    expect(b).toMatchObject({ knob: 'gpu_memory_utilization', fraction: 0.9, usableBytes: 72 * GiB });
    expect(b.kvBytes).toBe(72 * GiB - 40 * GiB - 4 * GiB);
  });

  it('SGLang: mem_fraction_static of the whole GPU holds the weights and the KV pool only', () => {
    const b = kvBudget({ ...base, rule: 'sglang', fraction: 0.85 });
    expect(b.knob).toBe('mem_fraction_static');
    expect(b.kvBytes).toBeCloseTo(0.85 * 80 * GiB - 40 * GiB, 0);
  });

  it('TensorRT-LLM: free_gpu_memory_fraction of what weights, activations and reserve leave', () => {
    const b = kvBudget({ ...base, rule: 'trtllm' });
    expect(b.knob).toBe('free_gpu_memory_fraction');
    expect(b.kvBytes).toBeCloseTo(0.9 * 36 * GiB, 0);
    expect(b.usableBytes).toBeCloseTo(44 * GiB + 0.9 * 36 * GiB, 0);
  });

  it('says in numbers and in the engine’s own words why there is no KV cache', () => {
    const heavy = { ...base, weightBytes: 77 * GiB };
    expect(kvBudget({ ...heavy, rule: 'vllm' }).problem).toBe("weights need 77.0 GiB per GPU but vLLM's gpu_memory_utilization 0.9 leaves 72.0 GiB of the GPU's 80.0 GiB");
    expect(kvBudget({ ...heavy, rule: 'sglang', fraction: 0.88 }).problem).toMatch(/^weights need 77\.0 GiB per GPU but SGLang's mem_fraction_static 0\.88 leaves 70\.4 GiB/);
    expect(kvBudget({ ...heavy, rule: 'trtllm' }).problem).toBe("weights 77.0 GiB + activations, CUDA graphs and reserve 4.0 GiB exceed the GPU's 80.0 GiB: no room for a KV cache");
    // The same weights leave TensorRT-LLM 0.9 × 1 GiB: it sizes from what is free, not from a share of the GPU.
    expect(kvBudget({ ...base, weightBytes: 75 * GiB, rule: 'trtllm' }).kvBytes).toBeCloseTo(0.9 * GiB, 0);
    expect(kvBudget({ ...base, weightBytes: 70 * GiB, rule: 'vllm' }).problem).toMatch(/exceed the 72\.0 GiB that vLLM's gpu_memory_utilization 0\.9 allows: no room for a KV cache/);
    expect(kvBudget({ ...base, rule: 'vllm' }).problem).toBeNull();
  });

  it('rejects a knob outside (0, 1] by its engine’s name', () => {
    expect(() => kvBudget({ ...base, rule: 'trtllm', fraction: 0 })).toThrow('free_gpu_memory_fraction must be in (0, 1], got 0');
    expect(() => kvBudget({ ...base, rule: 'sglang', fraction: 1.2 })).toThrow('mem_fraction_static must be in (0, 1], got 1.2');
  });

  it('reads the rule from the engine name, vLLM’s for anything it does not know', () => {
    expect([kvRuleOf('SGLang'), kvRuleOf('trtllm'), kvRuleOf('vllm'), kvRuleOf(undefined), kvRuleOf('llama.cpp')]).toEqual(['sglang', 'trtllm', 'vllm', 'vllm', 'vllm']);
  });
});

describe("SGLang's default mem_fraction_static, hand-computed", () => {
  const visible = (gb: number) => gb * GiB * 0.9956;

  it('H100 (80 GB, tier < 90 GiB) at TP1: reserve 512 + 1.5 × 8192 + 2 × 256 + 1024/8 = 13,440 MiB', () => {
    const mib = visible(80) / MiB;
    expect(sglangMemFractionStatic(visible(80), layout({ tp: 1 }))).toBe(Math.round(((mib - 13_440) / mib) * 1000) / 1000);
    expect(sglangMemFractionStatic(visible(80), layout({ tp: 1 }))).toBe(0.835);
  });

  it('H200 (141 GB) at TP8: the graph batch grows to 512 from TP4, reserve 14,848 MiB', () => {
    expect(sglangMemFractionStatic(visible(141), layout({ tp: 8 }))).toBe(0.897);
  });

  it('B200 with attention DP over 8 ranks: SGLang’s tp_size is 8 and the DP padding adds 512 × 8 × 4.5 MiB', () => {
    const mib = visible(180) / MiB;
    const reserve = 512 + 1.5 * 16_384 + 2 * 512 + 1024 + 512 * 8 * 4.5;
    expect(sglangMemFractionStatic(visible(180), layout({ tp: 1, dp: 8 }))).toBe(Math.round(((mib - reserve) / mib) * 1000) / 1000);
  });

  it('falls back to a hand-set 0.8 where its own formula leaves nothing (72-rank wide EP)', () => {
    expect(sglangMemFractionStatic(visible(186), layout({ tp: 1, dp: 72 }))).toBe(0.8);
  });

  it('has no 10 GiB floor to apply: below 60 GiB there is none, and above it the tiers reserve more', () => {
    const mib = visible(48) / MiB;
    expect(sglangMemFractionStatic(visible(48), layout({ tp: 1 }))).toBe(Math.round(((mib - (512 + 1.5 * 4096 + 2 * 32 + 1024 / 8)) / mib) * 1000) / 1000);
  });
});

describe('the engine decides what fits: DeepSeek-R1 FP8 at TP4 on B200 (157 GiB of weights per GPU)', () => {
  const a = getModel('deepseek-ai/DeepSeek-R1');
  const b200 = getGpu('b200_sxm');
  const report = (backend: string) => memoryReport(a, b200, { layout: layout({ tp: 4 }), precision: fp8, contextTokens: 9216, options: { backend } });

  it('vLLM holds 4 sequences of 9k tokens, TensorRT-LLM 57: 0.9 × (179.2 − 156.8 − 3.1) GiB at 0.30 GiB each', () => {
    const v = report('vllm');
    const t = report('trtllm');
    expect(v.fits && t.fits).toBe(true);
    expect(v.maxConcurrency).toBe(4);
    const perSeq = 9216 * 61 * 576; // one FP8 latent of 512 + 64 per token and layer, on every TP rank
    const free = t.gpuBytes - t.weights.total - t.activationBytes - t.cudaGraphBytes - t.frameworkReserveBytes;
    expect(t.maxConcurrency).toBe(Math.floor((0.9 * free) / perSeq));
    expect(t.maxConcurrency).toBe(57);
    expect(t.budget).toEqual({ rule: 'trtllm', knob: 'free_gpu_memory_fraction', fraction: 0.9 });
  });

  it("does not fit SGLang's default (it reserves about 27 GiB on a B200), and does with a hand-set mem_fraction_static", () => {
    const s = report('sglang');
    expect(s.fits).toBe(false);
    expect(s.reasons.join()).toMatch(/SGLang's mem_fraction_static 0\.85\d? leaves/);
    const set = memoryReport(a, b200, { layout: layout({ tp: 4 }), precision: fp8, contextTokens: 9216, options: { backend: 'sglang', memoryFraction: 0.95 } });
    expect(set.fits).toBe(true);
  });
});

describe('sequences held in a steady run', () => {
  it('vLLM and SGLang hold sequences at their average length (pages grow on demand); TensorRT-LLM reserves the whole', () => {
    expect(kvHeldContext('vllm', 1024, 8192)).toBe(1024 + 4096);
    expect(kvHeldContext('sglang', 1000, 101)).toBe(1000 + 51);
    expect(kvHeldContext('trtllm', 1024, 8192)).toBe(9216);
    expect(kvHeldContext(undefined, 10, 2)).toBe(11);
  });

  it('counts how many of a context the KV budget holds, none when there is no budget', () => {
    const a = getModel('llama-3.1-8b');
    const r = memoryReport(a, getGpu('h100_sxm'), { layout: layout({ tp: 1 }), precision: { weights: 'bf16', kvCache: 'bf16' }, contextTokens: 8192 });
    expect(sequencesThatFit(r, 8192)).toBe(Math.floor(r.kvBudgetBytes / (8192 * 131_072)));
    expect(sequencesThatFit(r, 4096)).toBeGreaterThanOrEqual(2 * sequencesThatFit(r, 8192));
    expect(sequencesThatFit({ ...r, kvBudgetBytes: -1 }, 10)).toBe(0);
  });
});
