// How the benchmark exports' parallelism columns map onto a Layout. The exports (AIConfigurator's silicon
// format, converted from InferenceMAX runs) are not consistent about attention data parallelism:
// - with attention_dp_size > 1, `batch_size` is the batch of one DP rank (batch × dp = silicon_concurrency);
// - some TensorRT-LLM and SGLang rows give the DP world size as tp_size and leave attention_dp_size at 1: either
//   tp_size does not divide the heads (tp 36, 72 on 128 heads: no tensor-parallel attention is possible), or the
//   per-rank batch says so (batch × tp = silicon_concurrency with dp 1).
// Both read as attention DP over tp_size ranks (tensor-parallel attention 1), experts over the same GPUs.
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
}

export interface ReadLayout {
  layout: Layout;
  /** Why the columns were reinterpreted, or null when taken as written. */
  reinterpreted: string | null;
}

export function readLayout(c: LayoutColumns): ReadLayout {
  const { tp, dp, pp, ep, heads } = c;
  if (dp === 1 && tp > 1 && heads % tp !== 0) {
    return { layout: { tp: 1, dp: tp, pp, ep }, reinterpreted: `tp_size ${tp} does not divide ${heads} heads: read as attention DP over ${tp} ranks` };
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

/** silicon_concurrency from the source column, else the `_c<N>_` of the row id. */
export function siliconConcurrency(source: string | undefined, id: string | undefined): number | undefined {
  const m = /silicon_concurrency=(\d+)/.exec(source ?? '') ?? /_c(\d+)_/.exec(id ?? '');
  const n = m ? Number(m[1]) : NaN;
  return Number.isFinite(n) && n >= 1 ? n : undefined;
}
