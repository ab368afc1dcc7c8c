import { describe, expect, it } from 'vitest';
import { MODELS, buildNameIndex, findModel, getModel, looseNameKey, matchName, resolveName, nameQuantization } from './models.js';

describe('looseNameKey', () => {
  it('drops the organisation and a trailing quantization suffix, whatever the case', () => {
    const cases: [string, string][] = [
      ['nvidia/Qwen3-235B-A22B-NVFP4', 'qwen3-235b-a22b'],
      ['Qwen/Qwen3-30B-A3B-FP8', 'qwen3-30b-a3b'],
      ['Qwen/Qwen3-32B-FP8-Static-PerTensor', 'qwen3-32b'],
      ['RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic', 'meta-llama-3.1-8b-instruct'],
      ['RedHatAI/Qwen3-32B-quantized.w4a16', 'qwen3-32b'],
      ['someone/Qwen3-32B-GPTQ-Int4', 'qwen3-32b'],
      ['someone/Qwen3-32B-AWQ', 'qwen3-32b'],
      ['someone/Qwen3-32B-fp4-v2', 'qwen3-32b'],
      ['someone/gpt-oss-120b-MXFP4', 'gpt-oss-120b'],
      ['unsloth/Qwen3-32B-unsloth-bnb-4bit', 'qwen3-32b'],
      ['Qwen3-32B-W4A16', 'qwen3-32b'],
    ];
    for (const [name, key] of cases) expect(looseNameKey(name), name).toBe(key);
  });

  it('keeps a version or qualifier that does not follow a quantization tag (it may name another model)', () => {
    expect(looseNameKey('deepseek-ai/DeepSeek-V2')).toBe('deepseek-v2');
    expect(looseNameKey('org/Model-7B-v2')).toBe('model-7b-v2');
    expect(looseNameKey('org/Model-7B-Dynamic')).toBe('model-7b-dynamic');
    expect(looseNameKey('org/FP8-Model-7B')).toBe('fp8-model-7b');
  });
});

describe('matchName on a table with a name two rows share', () => {
  const rows = [
    { id: 'orgA/Foo-7B', aliases: [] },
    { id: 'orgB/Foo-7B', aliases: [] },
    { id: 'orgA/Bar-70B', aliases: ['orgA/Bar-70B-FP8', 'bar-70b'] },
  ];
  const index = buildNameIndex(rows);

  it('prefers an exact id or alias, case-insensitively', () => {
    expect(matchName(index, 'ORGB/foo-7b')).toEqual({ row: rows[1], exact: true });
    expect(matchName(index, ' orgA/Bar-70B-FP8 ')).toEqual({ row: rows[2], exact: true });
  });

  it('resolves a re-upload by another organisation and/or with a quantization suffix when one row matches', () => {
    expect(matchName(index, 'nvidia/Bar-70B-NVFP4')).toEqual({ row: rows[2], exact: false });
    expect(matchName(index, 'RedHatAI/Bar-70B-FP8-dynamic')).toEqual({ row: rows[2], exact: false });
    expect(matchName(index, 'Bar-70B-AWQ')).toEqual({ row: rows[2], exact: false });
  });

  it('does not resolve a name two rows could mean, and says which two', () => {
    expect(matchName(index, 'nvidia/Foo-7B-FP8')).toEqual({ ambiguous: [rows[0], rows[1]] });
    expect(matchName(index, 'Foo-7B')).toEqual({ ambiguous: [rows[0], rows[1]] });
    expect(() => resolveName(index, 'nvidia/Foo-7B-FP8')).toThrow(/"nvidia\/Foo-7B-FP8" is ambiguous: it could be orgA\/Foo-7B or orgB\/Foo-7B/);
    expect(resolveName(index, 'nvidia/Bar-70B-FP8')).toBe(rows[2]);
  });

  it('returns nothing for a name that only looks similar', () => {
    expect(matchName(index, 'orgA/Bar-7B')).toBeUndefined();
    expect(matchName(index, 'orgA/Bar-70B-Instruct')).toBeUndefined();
  });
});

describe('findModel on the shipped table', () => {
  it('resolves the quantized re-uploads benchmark exports name', () => {
    const cases: [string, string][] = [
      ['nvidia/Qwen3-235B-A22B-NVFP4', 'Qwen/Qwen3-235B-A22B'],
      ['Qwen/Qwen3-30B-A3B-FP8', 'Qwen/Qwen3-30B-A3B'],
      ['Qwen/Qwen3-32B-FP8-Static-PerTensor', 'Qwen/Qwen3-32B'],
      ['nvidia/Llama-3.1-70B-Instruct-FP8', 'meta-llama/Llama-3.1-70B-Instruct'],
      ['RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic', 'meta-llama/Llama-3.1-8B-Instruct'],
      ['RedHatAI/Llama-4-Maverick-17B-128E-Instruct-FP8', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct'],
      ['unsloth/Qwen3-Coder-480B-A35B-Instruct-FP8', 'Qwen/Qwen3-Coder-480B-A35B-Instruct'],
      ['nvidia/Kimi-K2.6-NVFP4', 'moonshotai/Kimi-K2.5'],
      ['nvidia/DeepSeek-V3.2-NVFP4', 'deepseek-ai/DeepSeek-V3.2'],
    ];
    for (const [name, id] of cases) expect(findModel(name)?.id, name).toBe(id);
  });

  it('never takes Qwen3-32B for Qwen3-30B-A3B, nor a size it does not list', () => {
    expect(findModel('Qwen/Qwen3-32B')?.id).toBe('Qwen/Qwen3-32B');
    expect(findModel('someone/Qwen3-32B-AWQ')?.id).toBe('Qwen/Qwen3-32B');
    expect(findModel('someone/Qwen3-30B-A3B-AWQ')?.id).toBe('Qwen/Qwen3-30B-A3B');
    expect(findModel('Qwen/Qwen3-3B')).toBeUndefined();
    expect(findModel('Qwen/Qwen3-14B-FP8')).toBeUndefined();
    expect(findModel('openai/gpt-oss-120b-v2')).toBeUndefined();
  });

  it('has no two rows that share a name once organisation and quantization suffix are dropped', () => {
    const owner = new Map<string, string>();
    for (const m of MODELS) {
      for (const name of [m.id, ...m.aliases]) {
        const key = looseNameKey(name);
        expect(owner.get(key) ?? m.id, `${name} collides with ${owner.get(key)}`).toBe(m.id);
        owner.set(key, m.id);
      }
    }
  });

  it('names the table when a model is unknown and the candidates when a name is ambiguous', () => {
    expect(() => getModel('nobody/unknown-7b')).toThrow(/unknown model "nobody\/unknown-7b".*optimizer\/data\/models\.json/);
    expect(() => getModel('nvidia/Qwen3-14B-NVFP4')).toThrow(/models\.json/);
  });
});

describe('nameQuantization', () => {
  it('reads the weight format a re-upload’s name announces', () => {
    const cases: [string, string | undefined][] = [
      ['nvidia/Qwen3-32B-NVFP4', 'fp4'],
      ['nvidia/DeepSeek-R1-0528-FP4-v2', 'fp4'],
      ['Qwen/Qwen3-30B-A3B-FP8', 'fp8'],
      ['RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic', 'fp8'],
      ['Qwen/Qwen3-32B-FP8-Static-PerTensor', 'fp8'],
      ['someone/Qwen3-32B-AWQ', 'int4'],
      ['someone/Llama-3.1-8B-Instruct-GPTQ-Int4', 'int4'],
      ['unsloth/Qwen3-32B-unsloth-bnb-4bit', 'int4'],
      ['RedHatAI/Llama-3.1-8B-Instruct-quantized.w8a8', 'int8'],
      ['someone/gpt-oss-120b-MXFP4', 'mxfp4'],
      ['Qwen/Qwen3-32B', undefined],
      ['openai/gpt-oss-120b-v2', undefined],
    ];
    for (const [name, dtype] of cases) expect(nameQuantization(name), name).toBe(dtype);
  });
});
