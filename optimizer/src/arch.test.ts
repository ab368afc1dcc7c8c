import { describe, expect, it } from 'vitest';
import { ModelArchSchema, kvLayers, moeLayerCount, paramCounts, type ModelArch } from './arch.js';
import { MODELS, findModel, getModel } from './models.js';

const billions = (n: number) => n / 1e9;
/** Total and active parameters in billions; "active" as model cards count it, embedding table included. */
function sizes(name: string): { total: number; active: number } {
  const p = paramCounts(getModel(name));
  return { total: billions(p.total), active: billions(p.activePerToken + p.embedding) };
}

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

  it('counts the rows added from AIConfigurator model_configs at their published sizes', () => {
    // Total and active billions from the model cards (rounded there, hence the relative tolerance); the vision
    // encoders of multimodal models and multi-token-prediction layers are not counted here.
    const published: [name: string, total: number, active: number, relTolerance: number][] = [
      ['Qwen/Qwen3-Coder-480B-A35B-Instruct', 480, 35, 0.02],
      ['Qwen/Qwen3-30B-A3B', 30.5, 3.3, 0.02],
      ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 109, 17, 0.02],
      ['meta-llama/Llama-4-Maverick-17B-128E-Instruct', 400, 17, 0.02],
      ['mistralai/Mixtral-8x22B-v0.1', 141, 39, 0.01],
      ['Qwen/Qwen3.5-397B-A17B', 397, 17, 0.03],
      ['Qwen/Qwen3.5-122B-A10B', 122, 10, 0.03],
      ['moonshotai/Kimi-K2-Instruct', 1000, 32, 0.03],
      ['zhipuai/GLM-5', 744, 40, 0.03],
      // "A3B" and "10B active" round further: 3.45 B and 11.0 B with the embedding table.
      ['Qwen/Qwen3.5-35B-A3B', 35, 3, 0.16],
      ['MiniMaxAI/MiniMax-M2.5', 230, 10, 0.11],
    ];
    for (const [name, total, active, tol] of published) {
      const s = sizes(name);
      expect(Math.abs(s.total / total - 1), `${name} total ${s.total.toFixed(2)} B`).toBeLessThanOrEqual(tol);
      expect(Math.abs(s.active / active - 1), `${name} active ${s.active.toFixed(2)} B`).toBeLessThanOrEqual(tol);
    }
    expect(sizes('Qwen/Qwen3.5-27B').total).toBeCloseTo(26.9, 1);
  });

  it('puts Llama-4 Maverick experts on every second layer and the dense MLP on the others', () => {
    const a = getModel('meta-llama/Llama-4-Maverick-17B-128E-Instruct');
    expect(moeLayerCount(a)).toBe(24);
    const p = paramCounts(a);
    expect(p.experts).toBe(24 * 128 * 3 * 5120 * 8192);
    expect(p.sharedExperts).toBe(24 * 3 * 5120 * 8192);
    expect(p.denseMlp).toBe(24 * 3 * 5120 * 16384);
    expect(moeLayerCount(getModel('meta-llama/Llama-4-Scout-17B-16E-Instruct'))).toBe(48);
  });

  it('puts experts on every layerStep-th layer and the dense MLP on the rest', () => {
    const mixtral = getModel('mixtral-8x7b');
    const everyOther = ModelArchSchema.parse({ ...mixtral, moe: { ...mixtral.moe!, layerStep: 2 } });
    expect(moeLayerCount(everyOther)).toBe(16);
    const p = paramCounts(everyOther);
    expect(p.experts).toBe(16 * 8 * 3 * 4096 * 14336);
    expect(p.denseMlp).toBe(16 * 3 * 4096 * 14336);
    expect(p.total).toBe(paramCounts(mixtral).total - 16 * 7 * 3 * 4096 * 14336 - 16 * 4096 * 8);
  });

  it('counts Gated DeltaNet layers with their own weights and gated full-attention layers with a double-width q_proj', () => {
    // in_proj_qkv + in_proj_z + in_proj_a/b + conv1d + out_proj, from the text_config dimensions
    const gdn = (hidden: number, k: number, v: number, d: number, conv: number) => {
      const w = 2 * k * d + v * d;
      return { params: hidden * (w + v * d + 2 * v) + w * conv + v * d * hidden, recurrent: v * d * d, conv: w * (conv - 1) };
    };
    const expected: [string, number, ReturnType<typeof gdn>][] = [
      ['Qwen/Qwen3.5-27B', 48, gdn(5120, 16, 48, 128, 4)],
      ['Qwen/Qwen3.5-35B-A3B', 30, gdn(2048, 16, 32, 128, 4)],
      ['Qwen/Qwen3.5-122B-A10B', 36, gdn(3072, 16, 64, 128, 4)],
      ['Qwen/Qwen3.5-397B-A17B', 45, gdn(4096, 16, 64, 128, 4)],
    ];
    for (const [name, layers, g] of expected) {
      expect(getModel(name).linearAttention, name).toEqual({ layers, recurrentState: g.recurrent, convState: g.conv, recurrentDtype: 'float32', paramsPerLayer: g.params });
    }
    const a = getModel('Qwen/Qwen3.5-397B-A17B');
    const gatedFull = 4096 * 32 * 256 * 2 + 2 * 4096 * 2 * 256 + 32 * 256 * 4096;
    expect(paramCounts(a).attention).toBe(15 * gatedFull + 45 * gdn(4096, 16, 64, 128, 4).params);
    expect(kvLayers(a)).toEqual({ full: 15, sliding: 0 });
  });

  it('rejects a row whose layer counts do not add up, saying which field is wrong', () => {
    const row = { ...getModel('Qwen/Qwen3.5-27B'), id: 'x/bad' };
    const tooMany = ModelArchSchema.safeParse({ ...row, linearAttention: { ...row.linearAttention!, layers: 60 }, slidingWindow: { window: 128, layers: 10 } });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]?.message).toMatch(/linearAttention\.layers \+ slidingWindow\.layers \(70\) exceed the 64 layers/);
    const moe: ModelArch['moe'] = { experts: 8, activeExperts: 2, expertIntermediate: 1024, sharedExperts: 0, denseLayers: 0, layerStep: 65 };
    expect(ModelArchSchema.safeParse({ ...row, moe }).error?.issues[0]?.message).toMatch(/layerStep 65 leaves no MoE layer/);
    const mla = getModel('deepseek-ai/DeepSeek-V3');
    expect(ModelArchSchema.safeParse({ ...mla, attentionOutputGate: true }).error?.issues[0]?.message).toMatch(/output gate on MLA/);
    expect(ModelArchSchema.safeParse({ ...row, linearAttention: { layers: 48, recurrentState: 1 } }).success).toBe(false);
  });

  it('gives every row a source and unique names', () => {
    const names = MODELS.flatMap((m) => [m.id, ...m.aliases].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
    for (const m of MODELS) expect(m.source).toMatch(/huggingface\.co/);
  });

  it('loads every row of the table (37 models)', () => {
    expect(MODELS.length).toBe(37);
    for (const m of MODELS) expect(ModelArchSchema.safeParse(m).success, m.id).toBe(true);
  });

  it('names the table when a model is missing', () => {
    expect(() => getModel('nobody/unknown-7b')).toThrow(/models\.json/);
  });
});
