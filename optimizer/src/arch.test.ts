import { describe, expect, it } from 'vitest';
import { paramCounts } from './arch.js';
import { MODELS, findModel, getModel } from './models.js';

describe('model architecture table', () => {
  it('counts Llama-3.1-8B at its published 8.03 B parameters less the 266,240 norm weights it ignores', () => {
    expect(paramCounts(getModel('meta-llama/Llama-3.1-8B-Instruct')).total).toBe(8_030_261_248 - 266_240);
  });

  it('counts Llama-3.1-70B and 405B at their published sizes', () => {
    expect(paramCounts(getModel('llama-3.1-70b')).total).toBe(70_552_387_584);
    expect(paramCounts(getModel('llama-3.1-405b')).total).toBe(405_849_243_648);
  });

  it('counts Mixtral-8x7B at 46.7 B total and 12.9 B active parameters', () => {
    const p = paramCounts(getModel('mixtral-8x7b'));
    expect(p.total).toBe(46_702_526_464);
    // 12.9 B "active" as Mistral counts it includes the embedding table, which is a lookup, not a matmul.
    expect((p.activePerToken + p.embedding) / 1e9).toBeCloseTo(12.88, 1);
  });

  it('counts DeepSeek-V3 (MLA, 256 experts) at about 671 B total and 37 B active', () => {
    const p = paramCounts(getModel('deepseek-ai/DeepSeek-R1'));
    expect(p.total / 1e9).toBeGreaterThan(665);
    expect(p.total / 1e9).toBeLessThan(675);
    expect(p.activePerToken / 1e9).toBeGreaterThan(35);
    expect(p.activePerToken / 1e9).toBeLessThan(40);
  });

  it('counts gpt-oss-120b at about 117 B parameters', () => {
    expect(paramCounts(getModel('openai/gpt-oss-120b')).total / 1e9).toBeCloseTo(116.8, 0);
  });

  it('resolves quantized re-uploads to their base architecture', () => {
    expect(findModel('nvidia/DeepSeek-R1-NVFP4')?.id).toBe('deepseek-ai/DeepSeek-V3');
    expect(findModel('Qwen/Qwen3-235B-A22B-FP8')?.id).toBe('Qwen/Qwen3-235B-A22B');
  });

  it('gives every row a source and unique names', () => {
    const names = MODELS.flatMap((m) => [m.id, ...m.aliases].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
    for (const m of MODELS) expect(m.source).toMatch(/huggingface\.co/);
  });

  it('names the table when a model is missing', () => {
    expect(() => getModel('nobody/unknown-7b')).toThrow(/models\.json/);
  });
});
