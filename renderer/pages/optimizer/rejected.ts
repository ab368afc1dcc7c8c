/**
 * Rejected options, made readable: a search rejects a hundred layouts for a handful of reasons, so
 * identical reasons are grouped with a count, and reasons are also sorted into a few kinds.
 */
import type { Rejected } from '../../../optimizer/src/search';
import { planKey } from './format';

export interface ReasonGroup {
  reason: string;
  kind: string;
  count: number;
  /** The options rejected for it, e.g. "local · h100_sxm · tp1 pp1 · 64 seqs". */
  options: string[];
}

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

export function optionLabel(r: Rejected): string {
  const base = `${r.cluster} · ${r.gpu} · tp${r.tp} pp${r.pp}`;
  return r.maxConcurrency === undefined ? base : `${base} · ${r.maxConcurrency} seqs`;
}

/** Identical reasons with their count, most frequent first (ties keep the search's order). */
export function groupRejected(rejected: readonly Rejected[]): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>();
  for (const r of rejected) {
    const g = groups.get(r.reason) ?? { reason: r.reason, kind: reasonKind(r.reason), count: 0, options: [] };
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
export function groupByKind(rejected: readonly Rejected[]): KindGroup[] {
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
export function reasonIndex(rejected: readonly Rejected[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const r of rejected) if (r.maxConcurrency !== undefined) byKey.set(planKey(r), r.reason);
  return byKey;
}
