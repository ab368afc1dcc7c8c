/**
 * Rejected options, made readable: a search rejects a hundred layouts for a handful of reasons, so
 * identical reasons are grouped with a count, and reasons are also sorted into a few kinds.
 */
import type { Rejected, RejectionKind } from '../../../optimizer/src/search';
import { planKey, replicaLayout } from './format';

export interface ReasonGroup {
  reason: string;
  kind: string;
  count: number;
  /** The options rejected for it, e.g. "local · h100_sxm · tp1 pp1 · 64 seqs". */
  options: string[];
}

/** A rejection as saved: runs from before kind codes carry only the human reason. */
export type SavedRejected = Omit<Rejected, 'kind'> & { kind?: RejectionKind };

const KIND_LABELS: Record<RejectionKind, string> = {
  does_not_fit: 'Does not fit in memory',
  kv_cache_too_small: 'KV cache too small',
  replica_exceeds_pool: 'Replica larger than the pool',
  too_few_gpus_for_rate: 'Too few GPUs for the rate',
  tp_not_divisor: 'TP does not divide the heads',
  tp_beyond_link_domain: 'TP beyond the GPU link domain',
  engine_not_on_gpu: 'Engine does not run on this GPU',
  misses_ttft_slo: 'Misses the TTFT SLO',
  misses_tpot_slo: 'Misses the TPOT SLO',
  disagg_needs_two_gpus: 'Too few GPUs to disaggregate',
  prefill_does_not_fit: 'Prefill worker does not fit',
  decode_does_not_fit: 'Decode worker does not fit',
};

// Runs saved before the library gave kind codes are sorted by their wording instead.
const KINDS: [RegExp, string][] = [
  [/^weights need|does not fit|usable/, 'Does not fit in memory'],
  [/^KV cache holds only/, 'KV cache too small'],
  [/^needs \d+ GPUs per replica/, 'Replica larger than the pool'],
  [/^needs \d+ replicas/, 'Too few GPUs for the rate'],
  [/does not divide/, 'TP does not divide the heads'],
  [/spans more than/, 'TP beyond the GPU link domain'],
  [/TTFT .*> SLO/, 'Misses the TTFT SLO'],
  [/TPOT .*> SLO/, 'Misses the TPOT SLO'],
];

export function reasonKind(reason: string): string {
  return KINDS.find(([re]) => re.test(reason))?.[1] ?? 'Other';
}

/** The kind's label from the library's code, or from the wording for runs saved before codes existed. */
export function kindLabel(r: SavedRejected): string {
  return (r.kind && KIND_LABELS[r.kind]) || reasonKind(r.reason);
}

export function optionLabel(r: SavedRejected): string {
  const base = r.disaggregated ? `${r.cluster} · ${r.gpu} · prefill tp${r.prefillTp} / decode tp${r.tp}` : `${r.cluster} · ${r.gpu} · ${replicaLayout(r)}`;
  return r.maxConcurrency === undefined ? base : `${base} · ${r.maxConcurrency} seqs`;
}

/** Identical reasons with their count, most frequent first (ties keep the search's order). */
export function groupRejected(rejected: readonly SavedRejected[]): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>();
  for (const r of rejected) {
    const g = groups.get(r.reason) ?? { reason: r.reason, kind: kindLabel(r), count: 0, options: [] };
    g.count++;
    g.options.push(optionLabel(r));
    groups.set(r.reason, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export interface KindGroup {
  kind: string;
  count: number;
  /** Identical reasons within the kind, most frequent first. */
  reasons: ReasonGroup[];
}

/**
 * Rejections by kind, then by identical reason: reasons often differ only in their numbers
 * ("needs 9 replicas…", "needs 5 replicas…"), so the kind is what keeps a long list readable.
 */
export function groupByKind(rejected: readonly SavedRejected[]): KindGroup[] {
  const kinds = new Map<string, KindGroup>();
  for (const g of groupRejected(rejected)) {
    const k = kinds.get(g.kind) ?? { kind: g.kind, count: 0, reasons: [] };
    k.count += g.count;
    k.reasons.push(g);
    kinds.set(g.kind, k);
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count);
}

/** The reason a given plan was rejected, when it was (plans that miss an SLO are also listed as rejected). */
export function reasonIndex(rejected: readonly SavedRejected[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const r of rejected) if (r.maxConcurrency !== undefined) byKey.set(planKey(r), r.reason);
  return byKey;
}
