// The replica layouts a search tries on one GPU pool, and why a layout cannot run there.
import type { ModelArch } from './arch.js';
import type { GpuSpec } from './gpus.js';
import { gpusPerReplica, stageGpus, type Layout } from './layout.js';

export type LayoutRejectionKind = 'replica_exceeds_pool' | 'tp_not_divisor' | 'tp_beyond_link_domain';

/**
 * TP × PP for every model; for an MoE model also attention DP over n GPUs (tp 1, experts expert-parallel over the
 * same n): each rank keeps its own sequences' KV cache and the attention weights whole, and the MoE layers exchange
 * tokens. It is how DeepSeek-style models are served for throughput, and every modelled engine runs it.
 */
export function candidateLayouts(arch: ModelArch, space: { tp: readonly number[]; pp: readonly number[]; attentionDp?: boolean }): Layout[] {
  const out: Layout[] = [];
  for (const tp of space.tp) for (const pp of space.pp) out.push({ tp, pp, dp: 1, ep: 1 });
  if (arch.moe && space.attentionDp !== false) {
    for (const n of space.tp) if (n > 1) out.push({ tp: 1, pp: 1, dp: n, ep: n });
  }
  return out;
}

/** The layout a plan was predicted with: candidateLayouts' attention-DP replicas spread the experts over their ranks. */
export function planLayout(p: { tp: number; pp: number; attentionDp?: number }): Layout {
  const dp = p.attentionDp ?? 1;
  return { tp: p.tp, pp: p.pp, dp, ep: dp };
}

/** Why `l` cannot run on a pool of `count` GPUs, or null. */
export function layoutRejection(arch: ModelArch, gpu: GpuSpec, count: number, l: Layout): { kind: LayoutRejectionKind; reason: string } | null {
  const n = gpusPerReplica(l);
  if (n > count) return { kind: 'replica_exceeds_pool', reason: `needs ${n} GPUs per replica, cluster has ${count} ${gpu.id}` };
  if (arch.heads % l.tp !== 0) return { kind: 'tp_not_divisor', reason: `tp=${l.tp} does not divide the ${arch.heads} attention heads` };
  if (stageGpus(l) > gpu.linkDomain) {
    const what = l.dp > 1 ? `dp=${l.dp} (the MoE token exchange)` : `tp=${l.tp}`;
    return { kind: 'tp_beyond_link_domain', reason: `${what} spans more than the ${gpu.linkDomain}-GPU ${gpu.link} domain: ${l.dp > 1 ? 'all-to-all' : 'all-reduce'} over the network` };
  }
  return null;
}

/** "tp4 pp1", or "dp8 ep8" for attention DP. */
export function layoutLabel(l: { tp: number; pp: number; attentionDp?: number }): string {
  return l.attentionDp && l.attentionDp > 1 ? `dp${l.attentionDp} ep${l.attentionDp}` : `tp${l.tp} pp${l.pp}`;
}
