// How one serving replica splits a model over GPUs. Attention runs tensor-parallel (tp) inside each of `dp`
// attention data-parallel ranks; the experts of an MoE layer are spread over all tp×dp GPUs of a stage
// (moeTp × ep = tp × dp); pp stages run one after another.
export interface Layout {
  tp: number;
  pp: number;
  /** Attention data parallelism (DeepSeek-style DP attention); 1 = off. */
  dp: number;
  /** Expert parallelism; 1 = experts are tensor-parallel over the stage. */
  ep: number;
}

export function layout(partial: Partial<Layout> & { tp: number }): Layout {
  const l = { tp: partial.tp, pp: partial.pp ?? 1, dp: partial.dp ?? 1, ep: partial.ep ?? 1 };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`layout.${k} must be a positive integer, got ${v}`);
  }
  return l;
}

export function gpusPerReplica(l: Layout): number {
  return l.tp * l.dp * l.pp;
}

/** GPUs one pipeline stage spans; its collectives run over this group. */
export function stageGpus(l: Layout): number {
  return l.tp * l.dp;
}
