// The model-architecture contract. The models feature will fill ModelArch from config.json files; the optimizer
// reads nothing else about a model, so this type is the single place where architecture enters the math.
import { z } from 'zod';

export const WeightDtype = z.enum(['bf16', 'fp16', 'fp8', 'fp4', 'mxfp4', 'int4', 'int8']);
export type WeightDtype = z.infer<typeof WeightDtype>;

const positive = z.number().int().positive();

export const ModelArchSchema = z
  .object({
    id: z.string().min(1),
    aliases: z.array(z.string()).default([]),
    source: z.string().min(1),
    layers: positive,
    hidden: positive,
    heads: positive,
    kvHeads: positive,
    headDim: positive,
    /** Dense MLP width (first dense layers of an MoE model use it too); 0 when every layer is MoE. */
    intermediate: z.number().int().nonnegative(),
    vocab: positive,
    maxContext: positive,
    tiedEmbeddings: z.boolean().default(false),
    /** Dtype of the published checkpoint (a deployment may quantize further). */
    dtype: WeightDtype,
    moe: z
      .object({
        experts: positive,
        activeExperts: positive,
        expertIntermediate: positive,
        sharedExperts: z.number().int().nonnegative().default(0),
        /** Leading layers with a dense MLP instead of experts (DeepSeek's first_k_dense_replace). */
        denseLayers: z.number().int().nonnegative().default(0),
      })
      .strict()
      .optional(),
    /** Multi-head latent attention (DeepSeek): the KV cache holds one latent of kvLoraRank + qkRopeHeadDim per token and layer. */
    mla: z
      .object({
        qLoraRank: z.number().int().nonnegative(),
        kvLoraRank: positive,
        qkNopeHeadDim: positive,
        qkRopeHeadDim: positive,
        vHeadDim: positive,
      })
      .strict()
      .optional(),
    /** Layers whose attention only sees the last `window` tokens (gpt-oss alternates them). */
    slidingWindow: z.object({ window: positive, layers: positive }).strict().optional(),
    /** Linear-attention layers (Qwen3.5 Gated DeltaNet): a fixed state per sequence, no KV growth. */
    linearAttention: z.object({ layers: positive, stateElementsPerLayer: positive }).strict().optional(),
    unverified: z.array(z.string()).default([]),
  })
  .strict();

export type ModelArch = z.infer<typeof ModelArchSchema>;

/** Parameter counts by part, in parameters (not bytes). Norms and biases are ignored (< 0.01%). */
export interface ParamCounts {
  embedding: number;
  lmHead: number;
  attention: number;
  denseMlp: number;
  /** Routed experts, all of them. */
  experts: number;
  sharedExperts: number;
  router: number;
  total: number;
  /** Parameters touched per token: everything but the routed experts not chosen. */
  activePerToken: number;
}

export function attentionParamsPerLayer(a: ModelArch): number {
  if (a.mla) {
    const m = a.mla;
    const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank > 0 ? a.hidden * m.qLoraRank + m.qLoraRank * a.heads * qk : a.hidden * a.heads * qk;
    const kvA = a.hidden * (m.kvLoraRank + m.qkRopeHeadDim);
    const kvB = m.kvLoraRank * a.heads * (m.qkNopeHeadDim + m.vHeadDim);
    const o = a.heads * m.vHeadDim * a.hidden;
    return q + kvA + kvB + o;
  }
  const q = a.hidden * a.heads * a.headDim;
  const kv = 2 * a.hidden * a.kvHeads * a.headDim;
  const o = a.heads * a.headDim * a.hidden;
  return q + kv + o;
}

export function moeLayerCount(a: ModelArch): number {
  return a.moe ? a.layers - a.moe.denseLayers : 0;
}

export function paramCounts(a: ModelArch): ParamCounts {
  const embedding = a.vocab * a.hidden;
  const lmHead = a.tiedEmbeddings ? 0 : a.vocab * a.hidden;
  const attention = a.layers * attentionParamsPerLayer(a);
  const moeLayers = moeLayerCount(a);
  const denseLayers = a.layers - moeLayers;
  const denseMlp = denseLayers * 3 * a.hidden * a.intermediate;
  const expertSize = a.moe ? 3 * a.hidden * a.moe.expertIntermediate : 0;
  const experts = a.moe ? moeLayers * a.moe.experts * expertSize : 0;
  const sharedExperts = a.moe ? moeLayers * a.moe.sharedExperts * expertSize : 0;
  const router = a.moe ? moeLayers * a.hidden * a.moe.experts : 0;
  const total = embedding + lmHead + attention + denseMlp + experts + sharedExperts + router;
  const activeExperts = a.moe ? moeLayers * a.moe.activeExperts * expertSize : 0;
  // The embedding is a lookup, not a matmul: it is not "touched" per token in the FLOP sense.
  const activePerToken = lmHead + attention + denseMlp + activeExperts + sharedExperts + router;
  return { embedding, lmHead, attention, denseMlp, experts, sharedExperts, router, total, activePerToken };
}

/** Parameters of one routed expert in one layer. */
export function expertParams(a: ModelArch): number {
  return a.moe ? 3 * a.hidden * a.moe.expertIntermediate : 0;
}

/** Layers that keep a KV cache growing with the context (full attention, MLA or sliding). */
export function kvLayers(a: ModelArch): { full: number; sliding: number } {
  const linear = a.linearAttention?.layers ?? 0;
  const sliding = a.slidingWindow?.layers ?? 0;
  return { full: a.layers - linear - sliding, sliding };
}
