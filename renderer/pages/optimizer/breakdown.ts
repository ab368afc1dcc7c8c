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
  { term: 'layers', label: 'Layers', color: 'pink', help: 'per-layer kernel launches and small ops, every step' },
  { term: 'requestLayers', label: 'Request × layers', color: 'violet', help: 'once per request and layer of the model (TTFT only), whatever the GPU count' },
];

/** The learned correction's term: what it added to (or took from) the physics, so it may be negative. */
export const CORRECTION_TERM = { term: 'correction' as Term, label: 'Learned correction', color: 'gray', help: 'what the learned correction (trained on measured runs) added to the physics terms above; negative when it lowered them' };

/** The deployment's own measurements: what calibrating with them added to (or took from) the prediction. */
export const CALIBRATION_TERM = { term: 'calibration' as Term, label: 'Calibration', color: 'dark', help: 'what measurements of this deployment moved the prediction by (the physics and correction above are as predicted); negative when it was measured faster' };

export interface BreakdownRow {
  term: Term;
  label: string;
  color: string;
  help: string;
  ms: number;
  /** Share of the physics terms' sum, 0–100 (signed for the correction). */
  pct: number;
}

/**
 * Every known physics term with its ms and share of the physics sum, unknown terms (a newer library) after
 * them, then the learned correction and the calibration when the prediction has them. totalMs is the prediction itself.
 */
export function breakdownRows(b: Partial<Record<string, number>>): { rows: BreakdownRow[]; totalMs: number; correction: BreakdownRow | null; calibration: BreakdownRow | null } {
  const known = new Set<string>([...TERMS.map((t) => t.term), CORRECTION_TERM.term, CALIBRATION_TERM.term]);
  const extra = Object.keys(b)
    .filter((k) => !known.has(k))
    .map((k) => ({ term: k as Term, label: k, color: 'gray', help: '' }));
  const entries = [...TERMS, ...extra].map((t) => ({ ...t, ms: Math.max(0, b[t.term] ?? 0) }));
  const physicsMs = entries.reduce((s, e) => s + e.ms, 0);
  const share = (ms: number) => (physicsMs > 0 ? (ms / physicsMs) * 100 : 0);
  const c = b[CORRECTION_TERM.term];
  const correction = c === undefined ? null : { ...CORRECTION_TERM, ms: c, pct: share(c) };
  const k = b[CALIBRATION_TERM.term];
  const calibration = k === undefined ? null : { ...CALIBRATION_TERM, ms: k, pct: share(k) };
  return { rows: entries.map((e) => ({ ...e, pct: share(e.ms) })), totalMs: physicsMs + (c ?? 0) + (k ?? 0), correction, calibration };
}

export function formatPct(pct: number): string {
  if (pct < 0) return `−${formatPct(-pct)}`;
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}
