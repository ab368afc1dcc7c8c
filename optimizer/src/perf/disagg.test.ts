import { describe, expect, it } from 'vitest';
import { getGpu } from '../gpus.js';
import { readCsv, parseRow } from '../measured.js';
import { readLayout, siliconConcurrency } from '../measured-layout.js';
import { getModel } from '../models.js';
import { DEFAULT_COEFFICIENTS, coefficientsFor } from './coefficients.js';
import { closedLoopQueue } from './disagg.js';
import { dot } from './features.js';
import { predict, type PredictRequest } from './predict.js';
import { stepModel } from './step.js';

const llama8b: PredictRequest = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpu: 'h100_sxm',
  layout: { tp: 2 },
  disagg: { prefill: { layout: { tp: 1 }, workers: 2 }, decodeWorkers: 1 },
  workload: { isl: 1024, osl: 128, concurrency: 16 },
  engine: { backend: 'vllm' },
};

describe('closed-loop queue (mean-value analysis)', () => {
  it('matches hand-solved two-customer networks', () => {
    expect(closedLoopQueue(1, 1, 1, 5)).toBe(0); // alone: nobody ahead
    // Two customers, service 1, no think time: the other one is always in the queue.
    expect(closedLoopQueue(2, 1, 1, 0)).toBeCloseTo(1, 12);
    // Two customers, service 1, think 1: the first alone has R=1, X=1/2, Q=1/2; the second finds 1/2 ahead.
    expect(closedLoopQueue(2, 1, 1, 1)).toBeCloseTo(0.5, 12);
    // Long think time: almost never anyone ahead.
    expect(closedLoopQueue(8, 1, 1, 1e6)).toBeLessThan(1e-4);
  });
});

describe('disaggregated predict()', () => {
  const p = predict(llama8b, DEFAULT_COEFFICIENTS, null);

  it('counts both pools’ GPUs and moves the prompt’s KV cache over NVLink', () => {
    expect(p.gpus).toBe(2 * 1 + 1 * 2);
    expect(p.disagg).not.toBeNull();
    expect(p.disagg!.prefillGpus).toBe(2);
    expect(p.disagg!.decodeGpus).toBe(2);
    // Llama-3.1-8B BF16 KV: 32 layers × 8 KV heads × 128 dims × (K, V) × 2 bytes = 131,072 B per token;
    // 1,024 tokens = 134,217,728 B over one lane (prefill TP1) of H100 NVLink (900 GB/s; 4 GPUs ≤ the 8-GPU domain).
    expect(p.disagg!.kvTransferMs).toBeCloseTo((134_217_728 / 900e9) * 1000, 9);
  });

  it('TPOT is a decode-only step of the decode worker’s batch (no prefill chunks in it)', () => {
    const arch = getModel('meta-llama/Llama-3.1-8B-Instruct');
    const m = stepModel(arch, getGpu('h100_sxm'), { tp: 2, pp: 1, dp: 1, ep: 1 }, { weights: 'bf16', experts: 'bf16', kvCache: 'bf16' });
    // 16 clients on one decode worker, all running; mean context 1024 + (127 + 1) / 2.
    const f = m.features({ decodeSeqs: 16, decodeContext: 16 * (1024 + 64), prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
    expect(p.tpotMs).toBeCloseTo(dot(coefficientsFor(DEFAULT_COEFFICIENTS, 'vllm'), f) * 1000, 9);
  });

  it('more prefill workers never raise TTFT; more decode workers lower TPOT under load', () => {
    const heavy = { ...llama8b, workload: { isl: 4096, osl: 256, concurrency: 256 } };
    const one = predict({ ...heavy, disagg: { ...heavy.disagg!, prefill: { layout: { tp: 1 }, workers: 1 } } }, DEFAULT_COEFFICIENTS, null);
    const four = predict({ ...heavy, disagg: { ...heavy.disagg!, prefill: { layout: { tp: 1 }, workers: 4 } } }, DEFAULT_COEFFICIENTS, null);
    expect(four.ttftMs).toBeLessThan(one.ttftMs);
    expect(one.disagg!.bottleneck).toBe('prefill');
    expect(one.disagg!.prefillQueue).toBeGreaterThan(four.disagg!.prefillQueue);
    const twoDecode = predict({ ...heavy, disagg: { ...heavy.disagg!, decodeWorkers: 2 } }, DEFAULT_COEFFICIENTS, null);
    expect(twoDecode.tpotMs).toBeLessThan(predict(heavy, DEFAULT_COEFFICIENTS, null).tpotMs);
  });

  it('checks memory per role and says which pool does not fit', () => {
    const r = predict({ ...llama8b, model: 'meta-llama/Llama-3.1-70B-Instruct', layout: { tp: 4 }, disagg: { prefill: { layout: { tp: 1 }, workers: 1 }, decodeWorkers: 1 } }, DEFAULT_COEFFICIENTS, null);
    expect(r.warnings.join(' ')).toMatch(/prefill worker does not fit: weights need/);
    expect(r.warnings.join(' ')).not.toMatch(/decode worker does not fit/);
    expect(r.disagg!.prefillMemory.fits).toBe(false);
    expect(r.memory.fits).toBe(true);
  });

  it('rejects a non-integer worker count with a clear message', () => {
    expect(() => predict({ ...llama8b, disagg: { prefill: { layout: { tp: 1 }, workers: 0 }, decodeWorkers: 1 } })).toThrow(/prefill workers must be a positive integer/);
  });
});

describe('reading the exports’ layout columns', () => {
  it('reads tp_size that does not divide the heads as attention DP', () => {
    expect(readLayout({ tp: 36, dp: 1, pp: 1, ep: 1, heads: 128 }).layout).toEqual({ tp: 1, dp: 36, pp: 1, ep: 1 });
    expect(readLayout({ tp: 8, dp: 1, pp: 1, ep: 8, heads: 128 })).toEqual({ layout: { tp: 8, dp: 1, pp: 1, ep: 8 }, reinterpreted: null });
  });

  it('reads a per-rank batch column (batch × tp = concurrency) as attention DP', () => {
    expect(readLayout({ tp: 4, dp: 1, pp: 1, ep: 4, heads: 128, concurrency: 224, batch: 56 }).layout).toEqual({ tp: 1, dp: 4, pp: 1, ep: 4 });
    // batch = concurrency: one rank holds every client: tensor-parallel attention as written.
    expect(readLayout({ tp: 4, dp: 1, pp: 1, ep: 4, heads: 128, concurrency: 224, batch: 224 }).layout.tp).toBe(4);
    // Per worker: 192 clients over 4 decode workers of TP8 with batch 48 each is not DP.
    expect(readLayout({ tp: 8, dp: 1, pp: 1, ep: 8, heads: 64, concurrency: 192, batch: 48, workers: 4 }).layout.tp).toBe(8);
  });

  it('takes the run’s concurrency from silicon_concurrency, else the id', () => {
    expect(siliconConcurrency('db-dump; silicon_concurrency=512; measured=x', 'a_c4_b')).toBe(512);
    expect(siliconConcurrency('', 'dsr1_gb200_disagg_1024x1024_c666_tp4')).toBe(666);
    expect(siliconConcurrency(undefined, 'no-number')).toBeUndefined();
  });
});

describe('parsing measured rows', () => {
  const header = 'id,silicon_data_source,backend,model_path,system,precision,mode,isl,osl,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_ep_size,decode_batch_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms';
  const parse = (line: string) => parseRow(readCsv(`${header}\n${line}\n`)[0]!, 0);

  it('a disaggregated row becomes a prefill pool beside the decode workers, concurrency from the source', () => {
    const r = parse('k,silicon_concurrency=192,trtllm,moonshotai/Kimi-K2.5,gb200,fp4,disagg,1024,1024,,,,,,,1,1,4,4,48,4,8,1,8,395,11.7');
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.request.workload.concurrency).toBe(192);
    expect(r.value.request.layout).toEqual({ tp: 8, dp: 1, pp: 1, ep: 8 });
    expect(r.value.request.disagg).toEqual({ prefill: { layout: { tp: 1, dp: 4, pp: 1, ep: 4 }, workers: 1 }, decodeWorkers: 4 });
  });

  it('lists a disaggregated row without worker counts instead of guessing them', () => {
    const r = parse('k,silicon_concurrency=192,trtllm,moonshotai/Kimi-K2.5,gb200,fp4,disagg,1024,1024,,,,,,,,1,4,4,,,8,1,8,395,11.7');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/without prefill_num_workers \/ decode_num_workers/);
  });

  it('takes an unlabelled row’s precision from a re-upload’s name, else the checkpoint’s dtype', () => {
    const row = (model: string) => parse(`k,silicon_concurrency=8,vllm,${model},h100_sxm,,agg,1024,1024,8,1,1,1,1,1,,,,,,,,,,90,9`);
    const fp4 = row('nvidia/Qwen3-32B-NVFP4');
    const bf16 = row('Qwen/Qwen3-32B');
    if (!fp4.ok || !bf16.ok) throw new Error('rows should parse');
    expect(fp4.value.request.precision).toMatchObject({ weights: 'fp4', experts: 'fp4' });
    expect(bf16.value.request.precision).toMatchObject({ weights: 'bf16' });
  });

  it('reads a run its id names _tp8_ep8_ as 8 GPUs when tp_size says 64', () => {
    const r = parse('x_c16_tp8_ep8_921,silicon_concurrency=16,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,16,64,1,1,8,8,,,,,,,,,,380,11.9');
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.request.layout).toEqual({ tp: 8, dp: 1, pp: 1, ep: 8 });
    expect(r.value.notes.join(' ')).toMatch(/tp_size 64 counts the expert-parallel degree twice/);
  });

  it('an attention-DP aggregated row serves batch × dp clients', () => {
    const r = parse('k,silicon_concurrency=512,vllm,MiniMaxAI/MiniMax-M2.5,b300_sxm,fp8,agg,1024,1024,128,4,1,4,1,16,,,,,,,,,,205,17');
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.request.workload.concurrency).toBe(512);
    expect(r.value.request.layout).toEqual({ tp: 4, dp: 4, pp: 1, ep: 16 });
  });
});
