// Fits the step-time coefficients to measured TTFT and TPOT together (one set: TTFT and TPOT are sums of the
// same steps). IRLS towards absolute error: relative error for TPOT rows, log ratio for TTFT rows. TTFT misfits
// are wide (queues the simulator places wrong by several-fold), and in relative error an over-prediction of 4×
// weighs 3 while an under-prediction of 4× weighs 0.75, so a few over-predicted runs pulled every TTFT down
// (median in-sample log residual +0.34 for TensorRT-LLM); in log the two weigh alike. Saturated runs (TTFT
// beyond `saturatedTtftMs`) are left out of the TTFT fit: their queues blew up, and a serving plan must avoid
// them, not average through them.
import { dot, NF, type Vec } from '../perf/features.js';
import { nnls } from './nnls.js';

export interface Sample {
  ttft: Vec;
  tpot: Vec;
  ttftMs: number;
  tpotMs: number;
}

export interface FitOptions {
  iterations?: number;
  saturatedTtftMs?: number;
  /** Weight of the TTFT rows relative to TPOT rows. */
  ttftWeight?: number;
}

export function fitCoefficients(samples: Sample[], o: FitOptions = {}): number[] {
  if (samples.length === 0) throw new Error('cannot fit coefficients on zero samples');
  const sat = o.saturatedTtftMs ?? 10_000;
  const rows: Float64Array[] = [];
  const targets: number[] = [];
  const base: number[] = [];
  const logLoss: boolean[] = [];
  // Each row is divided by its measurement, so c·x ≈ 1 means zero relative error. Columns are scaled to unit
  // mean magnitude first so the solver is well conditioned.
  const scale = new Float64Array(NF);
  for (const s of samples) {
    for (let i = 0; i < NF; i++) scale[i]! += s.tpot[i]! / (s.tpotMs / 1000) + s.ttft[i]! / (s.ttftMs / 1000);
  }
  for (let i = 0; i < NF; i++) scale[i] = scale[i]! > 0 ? samples.length / scale[i]! : 1;
  const push = (v: Vec, ms: number, w: number, log: boolean) => {
    logLoss.push(log);
    const r = new Float64Array(NF);
    for (let i = 0; i < NF; i++) r[i] = (v[i]! / (ms / 1000)) * scale[i]!;
    rows.push(r);
    targets.push(1);
    base.push(w);
  };
  for (const s of samples) {
    push(s.tpot, s.tpotMs, 1, false);
    if (s.ttftMs <= sat) push(s.ttft, s.ttftMs, o.ttftWeight ?? 1, true);
  }
  let weights = base.slice();
  let c: number[] = new Array(NF).fill(0);
  for (let it = 0; it < (o.iterations ?? 8); it++) {
    c = nnls(rows, targets, weights);
    // |q − 1| turns squares into absolute relative error; × 1/q more makes it |log q| (its gradient is 1/q).
    weights = rows.map((r, k) => {
      const q = dot(c, r);
      return (base[k]! / Math.max(0.03, Math.abs(q - 1))) * (logLoss[k] ? 1 / Math.max(0.05, q) : 1);
    });
  }
  return c.map((v, i) => v * scale[i]!);
}
