/** A prediction's per-term breakdown as rows with shares, in the model's own term order. */
import type { Breakdown } from '../../../optimizer/src/perf/predict';

export type Term = keyof Breakdown;

export const TERMS: { term: Term; label: string; color: string; help: string }[] = [
  { term: 'roofline', label: 'Roofline', color: 'indigo', help: 'max(memory time, compute time) at datasheet peaks' },
  { term: 'overlap', label: 'Overlap', color: 'cyan', help: 'min(memory time, compute time): how far the two fail to overlap' },
  { term: 'interconnect', label: 'Interconnect', color: 'teal', help: 'TP all-reduce, MoE dispatch/combine and PP hand-off bytes over the link' },
  { term: 'collectives', label: 'Collectives', color: 'lime', help: 'collective calls: their latency, independent of size' },
  { term: 'step', label: 'Step', color: 'yellow', help: 'fixed cost per engine step: scheduling, launch, sampling setup' },
  { term: 'sequences', label: 'Sequences', color: 'orange', help: 'cost per sequence per step' },
  { term: 'request', label: 'Request', color: 'grape', help: 'once per request (TTFT only)' },
];

export interface BreakdownRow {
  term: Term;
  label: string;
  color: string;
  help: string;
  ms: number;
  /** Share of the total, 0–100. */
  pct: number;
}

/** Every known term with its ms and share; unknown terms (a newer library) are kept after the known ones. */
export function breakdownRows(b: Partial<Record<string, number>>): { rows: BreakdownRow[]; totalMs: number } {
  const known = new Set<string>(TERMS.map((t) => t.term));
  const extra = Object.keys(b)
    .filter((k) => !known.has(k))
    .map((k) => ({ term: k as Term, label: k, color: 'gray', help: '' }));
  const entries = [...TERMS, ...extra].map((t) => ({ ...t, ms: Math.max(0, b[t.term] ?? 0) }));
  const totalMs = entries.reduce((s, e) => s + e.ms, 0);
  return { rows: entries.map((e) => ({ ...e, pct: totalMs > 0 ? (e.ms / totalMs) * 100 : 0 })), totalMs };
}

export function formatPct(pct: number): string {
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}
