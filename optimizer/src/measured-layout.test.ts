import { describe, expect, it } from 'vitest';
import { namedParallelism, readLayout } from './measured-layout.js';

describe('attention DP that the heads force', () => {
  it('runs an MoE model’s experts expert-parallel over the DP ranks, not tensor-parallel across all of them', () => {
    const r = readLayout({ tp: 48, dp: 1, pp: 1, ep: 1, heads: 128, moe: true });
    expect(r.layout).toEqual({ tp: 1, dp: 48, pp: 1, ep: 48 });
    expect(r.reinterpreted).toMatch(/attention DP over 48 ranks, experts expert-parallel over them/);
    expect(readLayout({ tp: 36, dp: 1, pp: 1, ep: 1, heads: 128 }).layout).toEqual({ tp: 1, dp: 36, pp: 1, ep: 1 });
  });
});

describe('exports that count the expert-parallel degree twice', () => {
  it('reads the run the id names (`_tp8_ep8_`) when tp_size is tp × ep', () => {
    const r = readLayout({ tp: 64, dp: 1, pp: 1, ep: 8, heads: 128, moeTp: 8, named: { tp: 8, ep: 8 }, domain: 8 });
    expect(r.layout).toEqual({ tp: 8, dp: 1, pp: 1, ep: 8 });
    expect(r.reinterpreted).toMatch(/tp_size 64 counts the expert-parallel degree twice .*8 GPUs with ep 8/);
  });

  it('reads attention_dp_size the same way (attention DP over the named GPUs)', () => {
    expect(readLayout({ tp: 1, dp: 16, pp: 1, ep: 4, heads: 128, moeTp: 4, named: { tp: 4, ep: 4 }, domain: 8 }).layout).toEqual({ tp: 1, dp: 4, pp: 1, ep: 4 });
  });

  it('without a named run, deflates only a count beyond one NVLink domain', () => {
    expect(readLayout({ tp: 64, dp: 1, pp: 1, ep: 8, heads: 128, moeTp: 8, domain: 8 }).layout).toEqual({ tp: 8, dp: 1, pp: 1, ep: 8 });
    // TP4 with experts split moe_tp 2 × ep 2 inside one node is a real layout.
    expect(readLayout({ tp: 4, dp: 1, pp: 1, ep: 2, heads: 64, moeTp: 2, domain: 8 })).toEqual({ layout: { tp: 4, dp: 1, pp: 1, ep: 2 }, reinterpreted: null });
    // A GB200 NVL72 run over 64 GPUs fits its domain: as written.
    expect(readLayout({ tp: 64, dp: 1, pp: 1, ep: 8, heads: 128, moeTp: 8, domain: 72 }).reinterpreted).toBeNull();
  });

  it('keeps columns that agree with the named run', () => {
    expect(readLayout({ tp: 8, dp: 1, pp: 1, ep: 8, heads: 128, moeTp: 1, named: { tp: 8, ep: 8 }, domain: 8 })).toEqual({ layout: { tp: 8, dp: 1, pp: 1, ep: 8 }, reinterpreted: null });
  });

  it('finds the named tp and ep in InferenceMAX-style ids', () => {
    expect(namedParallelism('2026_04_06_deepseek_r1_b200_sxm_trtllm_fp8_agg_1024x1024_c16_tp8_ep8_921')).toEqual({ tp: 8, ep: 8 });
    expect(namedParallelism('2026_03_25_deepseek_r1_b200_sxm_sglang_fp4_agg_1024x1024_c8_tp8_0_ep8_0_248')).toEqual({ tp: 8, ep: 8 });
    expect(namedParallelism('qwen3_h200_vllm_agg_1024x1024_c4_tp4_ep_12')).toBeUndefined();
    expect(namedParallelism(undefined)).toBeUndefined();
  });
});
