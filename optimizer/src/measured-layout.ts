// How the benchmark exports' parallelism columns map onto a Layout. The exports (AIConfigurator's silicon
// format, converted from InferenceMAX runs) are not consistent about attention data parallelism:
// - with attention_dp_size > 1, `batch_size` is the batch of one DP rank (batch × dp = silicon_concurrency);
// - some TensorRT-LLM and SGLang rows give the DP world size as tp_size and leave attention_dp_size at 1: either
//   tp_size does not divide the heads (tp 36, 72 on 128 heads: no tensor-parallel attention is possible), or the
//   per-rank batch says so (batch × tp = silicon_concurrency with dp 1).
// Both read as attention DP over tp_size ranks (tensor-parallel attention 1), experts over the same GPUs.
// - some rows multiply the expert-parallel degree into the GPU count: a run the id names `_tp8_ep8_` (8 GPUs,
//   experts 8-way parallel) has tp_size (or attention_dp_size) 64 = moe_tp_size 8 × moe_ep_size 8. Read from the
//   id where it names the run's tp and ep; without such an id, from moe_tp × moe_ep = the columns' GPU count when
//   that count exceeds the system's NVLink domain (a 64-GPU replica of one node's GPUs is not what was measured;
//   a TP4 run with experts split moe_tp 2 × ep 2 inside one node is legitimate and stays as written).
import type { Layout } from './layout.js';

export interface LayoutColumns {
  tp: number;
  dp: number;
  pp: number;
  ep: number;
  heads: number;
  /** Total clients the run served (silicon_concurrency), when known. */
  concurrency?: number;
  /** The per-rank (or per-worker) batch column, when given. */
  batch?: number;
  /** Workers that share `concurrency` (disaggregated pools); 1 for an aggregated replica. */
  workers?: number;
  /** Whether the model has routed experts. */
  moe?: boolean;
  /** moe_tp_size: the experts' tensor-parallel degree, when given. */
  moeTp?: number;
  /** The run's tp and ep as its id names them (`_tp8_ep8_`), when it does. */
  named?: { tp: number; ep: number };
  /** GPUs of the system's NVLink domain. */
  domain?: number;
}

export interface ReadLayout {
  layout: Layout;
  /** Why the columns were reinterpreted, or null when taken as written. */
  reinterpreted: string | null;
}

export function readLayout(c: LayoutColumns): ReadLayout {
  const inflated = deflateExpertParallel(c);
  if (inflated) return inflated;
  const { tp, dp, pp, ep, heads } = c;
  if (dp === 1 && tp > 1 && heads % tp !== 0) {
    // These exports then give the experts as tensor-parallel over all the ranks (moe_tp_size = tp_size, ep 1): an
    // all-gather of every token to dozens of ranks, and expert shards thinner than a quantization block. The
    // engines' attention-DP recipes at this width run the experts expert-parallel over the same GPUs.
    const wideEp = c.moe && ep === 1 ? tp : ep;
    const experts = wideEp !== ep ? `, experts expert-parallel over them` : '';
    return { layout: { tp: 1, dp: tp, pp, ep: wideEp }, reinterpreted: `tp_size ${tp} does not divide ${heads} heads: read as attention DP over ${tp} ranks${experts}` };
  }
  if (dp === 1 && tp > 1 && c.concurrency && c.batch) {
    const ranks = c.concurrency / ((c.workers ?? 1) * c.batch);
    // The batch column is per DP rank: it is the concurrency spread over tp ranks, not over the worker.
    if (Math.abs(ranks - tp) < 0.5 && Math.ceil(c.concurrency / ((c.workers ?? 1) * tp)) === c.batch) {
      return { layout: { tp: 1, dp: tp, pp, ep }, reinterpreted: `batch ${c.batch} × ${tp} ranks = concurrency ${c.concurrency}: read as attention DP over ${tp} ranks` };
    }
  }
  return { layout: { tp, dp, pp, ep }, reinterpreted: null };
}

function deflateExpertParallel(c: LayoutColumns): ReadLayout | null {
  const gpus = c.tp * c.dp;
  let real: { gpus: number; ep: number; why: string } | null = null;
  if (c.named && c.named.ep > 1 && gpus === c.named.tp * c.named.ep) {
    real = { gpus: c.named.tp, ep: c.named.ep, why: `the id names tp ${c.named.tp}, ep ${c.named.ep}` };
  } else if (!c.named && c.moeTp && c.moeTp > 1 && c.ep > 1 && gpus === c.moeTp * c.ep && c.domain && gpus > c.domain) {
    real = { gpus: c.moeTp, ep: c.ep, why: `moe_tp_size ${c.moeTp} × moe_ep_size ${c.ep} = ${gpus} GPUs, beyond one ${c.domain}-GPU NVLink domain` };
  }
  if (!real) return null;
  const layout = c.dp > 1 ? { tp: 1, dp: real.gpus, pp: c.pp, ep: real.ep } : { tp: real.gpus, dp: 1, pp: c.pp, ep: real.ep };
  const written = c.dp > 1 ? `attention_dp_size ${c.dp}` : `tp_size ${c.tp}`;
  return { layout, reinterpreted: `${written} counts the expert-parallel degree twice (${real.why}): read as ${real.gpus} GPUs with ep ${real.ep}` };
}

/** The `_tp<N>_ep<M>_` an id may carry (InferenceMAX run names): the run's GPUs and expert-parallel degree. */
export function namedParallelism(id: string | undefined): { tp: number; ep: number } | undefined {
  const m = /_tp(\d+)_(?:\d+_)?ep(\d+)(?:_|$)/.exec(id ?? '');
  if (!m) return undefined;
  const tp = Number(m[1]);
  const ep = Number(m[2]);
  return tp >= 1 && ep >= 1 ? { tp, ep } : undefined;
}

/** silicon_concurrency from the source column, else the `_c<N>_` of the row id. */
export function siliconConcurrency(source: string | undefined, id: string | undefined): number | undefined {
  const m = /silicon_concurrency=(\d+)/.exec(source ?? '') ?? /_c(\d+)_/.exec(id ?? '');
  const n = m ? Number(m[1]) : NaN;
  return Number.isFinite(n) && n >= 1 ? n : undefined;
}
