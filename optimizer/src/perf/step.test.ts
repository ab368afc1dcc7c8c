// The step model's physics, checked against hand-computed bytes and FLOPs (coefficient-free).
import { describe, expect, it } from 'vitest';
import { getGpu } from '../gpus.js';
import { layout } from '../layout.js';
import { getModel } from '../models.js';
import { kvCost } from '../memory.js';
import { F } from './features.js';
import { stepModel, type StepShape } from './step.js';

const dsv3 = getModel('deepseek-ai/DeepSeek-V3');
const b200 = getGpu('b200_sxm');
const fp8 = { weights: 'fp8', kvCache: 'fp8' } as const;
const decode = (seqs: number, ctx: number): StepShape => ({ decodeSeqs: seqs, decodeContext: seqs * ctx, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
const prefill = (tokens: number): StepShape => ({ decodeSeqs: 0, decodeContext: 0, prefillTokens: tokens, prefillPairs: (tokens * tokens) / 2, prefillSeqs: 1 });

describe('MoE token exchange', () => {
  const link = (tp: number, dp: number, ep: number, s: StepShape) => stepModel(dsv3, b200, layout({ tp, dp, ep }), fp8).features(s)[F.interconnect]!;

  it('moves no tokens for experts under tensor-parallel attention: EP adds nothing to the all-reduces', () => {
    expect(link(8, 1, 8, decode(64, 2048))).toBeCloseTo(link(8, 1, 1, decode(64, 2048)), 12);
  });

  it('with attention DP, sends a token to the ranks holding its top-k experts, and all-gathers it without EP', () => {
    const tokens = 64;
    const hiddenBytes = dsv3.hidden * 2;
    const moeLayers = dsv3.layers - dsv3.moe!.denseLayers;
    const linkBytesPerSec = b200.linkGBs * 1e9;
    // 8 ranks, top-8 of 256 experts: each other rank is hit with probability 1 − (7/8)^8.
    const expected = (1 - Math.pow(7 / 8, 8)) * 7;
    expect(link(1, 8, 8, decode(tokens, 2048))).toBeCloseTo((tokens * moeLayers * 2 * hiddenBytes * expected) / linkBytesPerSec, 12);
    expect(link(1, 8, 1, decode(tokens, 2048))).toBeCloseTo((tokens * moeLayers * 2 * hiddenBytes * 7) / linkBytesPerSec, 12);
  });
});

describe('MLA attention FLOPs', () => {
  it('prefills in the expanded form: (nope + rope + v) per head and pair, about a third of the absorbed decode form', () => {
    const m = stepModel(dsv3, b200, layout({ tp: 8 }), fp8);
    const mla = dsv3.mla!;
    const peak = b200.bf16Tflops * 1e12;
    const perPair = (dims: number) => (2 * dsv3.heads * dims * dsv3.layers) / 8 / peak;
    // Attention is the difference between two steps of equal token counts and different pair counts.
    const tokens = 4096;
    const withPairs = m.balance(prefill(tokens)).tCmp;
    const noPairs = m.balance({ ...prefill(tokens), prefillPairs: 0 }).tCmp;
    expect(withPairs - noPairs).toBeCloseTo(((tokens * tokens) / 2) * perPair(mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim), 9);
    const d = decode(64, 4096);
    const decodeAttn = m.balance(d).tCmp - m.balance({ ...d, decodeContext: 0 }).tCmp;
    expect(decodeAttn).toBeCloseTo(64 * 4096 * perPair(2 * mla.kvLoraRank + mla.qkRopeHeadDim), 9);
  });
});

describe('linear-attention state traffic', () => {
  it('reads and writes each sequence’s whole state every decode step', () => {
    const a = getModel('Qwen/Qwen3.5-27B');
    const l = layout({ tp: 1 });
    const m = stepModel(a, b200, l, { weights: 'bf16', kvCache: 'bf16' });
    const state = kvCost(a, l, 'bf16').perSequenceFixed;
    // No context, so only the fixed state differs between 8 and 4 sequences (a dense model reads its weights once either way).
    const extra = m.balance({ ...decode(8, 0) }).tMem - m.balance({ ...decode(4, 0) }).tMem;
    expect(extra).toBeCloseTo((4 * 2 * state) / (b200.bandwidthTBs * 1e12), 12);
  });
});
