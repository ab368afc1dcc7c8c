// Roofline terms of one engine step on the most loaded GPU of a replica. Everything that does not change from
// step to step (bytes per token, FLOPs per token, link bandwidth) is computed once in `stepModel`.
import { expertParams, kvLayers, moeLayerCount, paramCounts, type ModelArch } from '../arch.js';
import { groupLinkBytesPerSec, type GpuSpec } from '../gpus.js';
import { gpusPerReplica, stageGpus, type Layout } from '../layout.js';
import { expertsTouched, kvCost, weightBytesPerGpu } from '../memory.js';
import { bytesPerParam, gemmPeakFlops, type Precision } from '../quant.js';
import { F, UNIT, zeros, type Vec } from './features.js';

/** What one step (per attention-DP rank) processes. */
export interface StepShape {
  decodeSeqs: number;
  /** Sum of the context lengths the decoding sequences attend to. */
  decodeContext: number;
  prefillTokens: number;
  /** Σ over prefill chunks of chunk × (tokens already cached + chunk/2): query-key pairs of causal attention. */
  prefillPairs: number;
  /** Sequences with prefill work in the step. */
  prefillSeqs: number;
}

export interface StepModel {
  features(s: StepShape, out?: Vec): Vec;
  /** Memory and compute time of a step at datasheet peaks (seconds), before the roofline takes their max. */
  balance(s: StepShape): { tMem: number; tCmp: number };
  readonly layout: Layout;
  /** Attention-DP ranks that wait for one another every step (their MoE layers exchange tokens); 1 otherwise. */
  readonly syncRanks: number;
}

/** Small-M GEMM inefficiency beyond what the weight reads already explain (tile quantisation): a few rows. */
const GEMM_SMALL_M_ROWS = 8;

export function stepModel(a: ModelArch, g: GpuSpec, l: Layout, p: Precision): StepModel {
  const pc = paramCounts(a);
  const w = weightBytesPerGpu(a, l, p);
  const kv = kvCost(a, l, p.kvCache);
  const bw = g.bandwidthTBs * 1e12;
  const peakDense = gemmPeakFlops(g, p.weights);
  const peakExpert = gemmPeakFlops(g, p.experts ?? p.weights);
  const peakAttn = g.bf16Tflops * 1e12;
  const ppShare = Math.ceil(a.layers / l.pp) / a.layers;
  const moeLayers = moeLayerCount(a) * ppShare;
  const expertBytes = (expertParams(a) * bytesPerParam(p.experts ?? p.weights)) / stageGpus(l);
  const denseBytes = w.total - w.experts; // read every step whatever the batch
  // FLOPs per token per GPU (2 per MAC). Experts' FLOPs spread over the whole stage but tokens come from all dp ranks: net /tp.
  const expertActive = a.moe ? moeLayerCount(a) * a.moe.activeExperts * expertParams(a) : 0;
  const denseFlopsPerToken = (2 * (pc.activePerToken - pc.lmHead - expertActive) * ppShare) / l.tp;
  const expertFlopsPerToken = (2 * expertActive * ppShare) / l.tp;
  const lmHeadFlopsPerToken = (2 * pc.lmHead) / l.tp;
  // Attention FLOPs per (query, key) pair over all layers on the stage. MLA decodes in the absorbed latent form
  // (scores and values over the kvLoraRank latent), but every engine prefills in the expanded multi-head form, whose
  // per-pair work (q·k over nope + rope dims, p·v over the value dims) is about a third of the absorbed form's.
  const { full, sliding } = kvLayers(a);
  const decodeDimsPerHead = a.mla ? 2 * a.mla.kvLoraRank + a.mla.qkRopeHeadDim : 2 * a.headDim;
  const prefillDimsPerHead = a.mla ? a.mla.qkNopeHeadDim + a.mla.qkRopeHeadDim + a.mla.vHeadDim : 2 * a.headDim;
  const decodePairFlopsPerLayer = (2 * a.heads * decodeDimsPerHead * ppShare) / l.tp;
  const prefillPairFlopsPerLayer = (2 * a.heads * prefillDimsPerHead * ppShare) / l.tp;
  const window = a.slidingWindow?.window ?? 0;
  // Interconnect: two all-reduces per layer over tp; MoE dispatch + combine across the stage when tokens leave their rank.
  const G = stageGpus(l);
  const link = groupLinkBytesPerSec(g, G);
  const ppLink = groupLinkBytesPerSec(g, gpusPerReplica(l));
  const layersOnStage = a.layers * ppShare;
  const arBytesPerToken = l.tp > 1 ? 2 * layersOnStage * a.hidden * 2 * ((2 * (l.tp - 1)) / l.tp) : 0;
  // With tensor-parallel attention every GPU already holds every token after the attention all-reduce: its experts
  // (EP or TP) read them in place and the MLP all-reduce combines them, so only attention DP moves tokens. A DP
  // rank's token then goes to every other rank (all-gather, experts tensor-parallel) or, with EP, to the ranks that
  // hold its top-k experts (dispatch), and comes back (combine).
  const moeExchange = a.moe && G > 1 && l.dp > 1;
  const remoteCopies = !moeExchange ? 0 : l.ep > 1 ? (G - 1) * (1 - Math.pow(1 - 1 / G, a.moe!.activeExperts)) : G - 1;
  const a2aBytesPerToken = moeLayers * 2 * a.hidden * 2 * remoteCopies;
  const collectivesPerStep = (l.tp > 1 ? 2 * layersOnStage : 0) + (moeExchange ? 2 * moeLayers : 0) + (l.pp - 1);
  const ppBytesPerToken = (l.pp - 1) * a.hidden * 2;

  function balance(s: StepShape): { tMem: number; tCmp: number } {
    const tokens = s.decodeSeqs + s.prefillTokens;
    const allTokens = tokens * l.dp; // the MoE layers see every dp rank's tokens
    const touched = expertsTouched(a, allTokens);
    // A decode step reads each sequence's KV; a linear-attention state it also writes back whole (the recurrence
    // updates it in place), where the KV cache only gains one token.
    const kvRead = kv.perTokenFull * s.decodeContext + kv.perTokenSliding * Math.min(s.decodeContext, s.decodeSeqs * window) + 2 * kv.perSequenceFixed * s.decodeSeqs;
    const memBytes = denseBytes + touched * moeLayers * expertBytes + kvRead;
    const tMem = memBytes / bw;
    const logits = s.decodeSeqs + s.prefillSeqs;
    const rowsPerExpert = a.moe ? Math.max(1, (allTokens * a.moe.activeExperts) / a.moe.experts) : 1;
    const gemm =
      ((denseFlopsPerToken * tokens) / peakDense) * (1 + GEMM_SMALL_M_ROWS / tokens) +
      ((expertFlopsPerToken * tokens) / peakExpert) * (1 + GEMM_SMALL_M_ROWS / rowsPerExpert) +
      (lmHeadFlopsPerToken * logits) / peakDense;
    const decodePairs = s.decodeContext * full + Math.min(s.decodeContext, s.decodeSeqs * window) * sliding;
    const prefillPairs = s.prefillPairs * full + Math.min(s.prefillPairs, s.prefillTokens * window) * sliding;
    const attn = (decodePairFlopsPerLayer * decodePairs + prefillPairFlopsPerLayer * prefillPairs) / peakAttn;
    return { tMem, tCmp: gemm + attn };
  }

  function features(s: StepShape, out: Vec = zeros()): Vec {
    out.fill(0);
    const tokens = s.decodeSeqs + s.prefillTokens;
    if (tokens === 0) return out;
    const { tMem, tCmp } = balance(s);
    // Pipeline stages run one after another for a given batch: latency adds up over pp (no measured PP data
    // exists to fit micro-batch overlap, so PP buys memory here, not speed).
    out[F.roofline] = Math.max(tMem, tCmp) * l.pp;
    out[F.overlap] = Math.min(tMem, tCmp) * l.pp;
    out[F.interconnect] = (tokens * (arBytesPerToken + a2aBytesPerToken)) / link + (tokens * ppBytesPerToken) / ppLink;
    out[F.collectives] = collectivesPerStep * UNIT.collective;
    out[F.step] = UNIT.step;
    out[F.sequences] = (s.decodeSeqs + s.prefillSeqs) * UNIT.sequence;
    out[F.layers] = (layersOnStage + moeLayers) * l.pp * UNIT.layer;
    return out;
  }
  return { features, balance, layout: l, syncRanks: a.moe && l.dp > 1 ? l.dp : 1 };
}
