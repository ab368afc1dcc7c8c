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
        /**
         * Experts on every layerStep-th layer after the dense ones, the dense MLP on the rest (Llama-4 Maverick's
         * interleave_moe_layer_step = 2: layers 1, 3, 5, … hold experts). 1 when every layer does.
         */
        layerStep: positive.default(1),
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
    /**
     * Layers whose attention only sees the last `window` tokens (gpt-oss alternates them). Llama-4's chunked local
     * attention (attention_chunk_size) is written here too: a chunked layer never sees more than `window` tokens and
     * keeps no more KV than that, so the window is its upper bound; a token sees window/2 of them on average, so the
     * attention work of those layers is overstated by up to 2× at long context (a small share of a step).
     */
    slidingWindow: z.object({ window: positive, layers: positive }).strict().optional(),
    /**
     * Linear-attention layers (Qwen3.5 Gated DeltaNet): a fixed state per sequence, no KV growth. For Gated DeltaNet
     * with k key heads, v value heads of dims dk, dv, conv kernel c and conv width w = 2·k·dk + v·dv:
     * recurrentState = v·dk·dv and convState = w·(c − 1) elements per layer; paramsPerLayer =
     * hidden·(w + v·dv + 2v) + w·c + v·dv·hidden (in_proj_qkv, in_proj_z, in_proj_a/b, conv1d, out_proj).
     * recurrentDtype is the config's mamba_ssm_dtype (float32 for every Qwen3.5: vLLM keeps the recurrent state in
     * it, twice the bytes of the 16-bit conv state); the conv state is in the model's dtype.
     */
    linearAttention: z
      .object({
        layers: positive,
        recurrentState: positive,
        convState: z.number().int().nonnegative(),
        recurrentDtype: z.enum(['float32', 'bf16']).default('bf16'),
        paramsPerLayer: positive,
      })
      .strict()
      .optional(),
    /** Full-attention layers gate their output with a second query-sized projection (Qwen3.5 attn_output_gate): q_proj is twice as wide. */
    attentionOutputGate: z.boolean().default(false),
    unverified: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    const special = (a.linearAttention?.layers ?? 0) + (a.slidingWindow?.layers ?? 0);
    if (special > a.layers) problem('layers', `linearAttention.layers + slidingWindow.layers (${special}) exceed the ${a.layers} layers`);
    if (a.moe && a.moe.denseLayers >= a.layers) problem('moe', `denseLayers (${a.moe.denseLayers}) leaves no layer for the experts of a ${a.layers}-layer model`);
    if (a.moe && a.moe.layerStep > a.layers - a.moe.denseLayers) problem('moe', `layerStep ${a.moe.layerStep} leaves no MoE layer`);
    if (a.mla && a.attentionOutputGate) problem('attentionOutputGate', 'an output gate on MLA attention is not modelled: leave the model out or extend attentionParamsPerLayer');
  });

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
  const q = a.hidden * a.heads * a.headDim * (a.attentionOutputGate ? 2 : 1);
  const kv = 2 * a.hidden * a.kvHeads * a.headDim;
  const o = a.heads * a.headDim * a.hidden;
  return q + kv + o;
}

export function moeLayerCount(a: ModelArch): number {
  return a.moe ? Math.floor((a.layers - a.moe.denseLayers) / a.moe.layerStep) : 0;
}

export function paramCounts(a: ModelArch): ParamCounts {
  const embedding = a.vocab * a.hidden;
  const lmHead = a.tiedEmbeddings ? 0 : a.vocab * a.hidden;
  const linear = a.linearAttention;
  const attention = (a.layers - (linear?.layers ?? 0)) * attentionParamsPerLayer(a) + (linear ? linear.layers * linear.paramsPerLayer : 0);
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
