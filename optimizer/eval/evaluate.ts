// Scores predictions against measurements: per metric mean and median absolute percentage error, with every
// unsupported row counted and listed. Shared by the eval CLI, the hold-out study and the training script.
import { parseRow, type MeasuredCase, type Row } from '../src/measured.js';
import type { Correction } from '../src/correction/model.js';
import type { Coefficients } from '../src/perf/coefficients.js';
import { finish, prepare, type Prepared } from '../src/perf/predict.js';

export interface PreparedCase {
  c: MeasuredCase;
  p: Prepared;
}

export interface Split {
  cases: PreparedCase[];
  unsupported: { id: string; reason: string }[];
}

/** Parses and simulates every row once (the expensive, coefficient-free part). */
export function prepareRows(rows: Row[], rounds: number): Split {
  const cases: PreparedCase[] = [];
  const unsupported: { id: string; reason: string }[] = [];
  rows.forEach((row, i) => {
    const r = parseRow(row, i);
    if (!r.ok) return void unsupported.push({ id: r.id, reason: r.reason });
    try {
      cases.push({ c: r.value, p: prepare(r.value.request, rounds) });
    } catch (e) {
      unsupported.push({ id: r.value.id, reason: e instanceof Error ? e.message : String(e) });
    }
  });
  return { cases, unsupported };
}

export interface RowResult {
  id: string;
  model: string;
  gpu: string;
  backend: string;
  measuredTtftMs: number;
  predictedTtftMs: number;
  measuredTpotMs: number;
  predictedTpotMs: number;
  measuredTokPerSec: number;
  predictedTokPerSec: number;
}

/** Predictions for prepared rows; `correction` undefined: the shipped one with the shipped coefficients, null: none. */
export function predictCases(cases: PreparedCase[], coeffs: Coefficients, correction?: Correction | null): RowResult[] {
  return cases.map(({ c, p }) => {
    const pr = correction === undefined ? finish(p, c.request, coeffs) : finish(p, c.request, coeffs, correction);
    const conc = c.request.workload.concurrency;
    return {
      id: c.id,
      model: c.modelId,
      gpu: c.gpuId,
      backend: c.backend,
      measuredTtftMs: c.ttftMs,
      predictedTtftMs: pr.ttftMs,
      measuredTpotMs: c.tpotMs,
      predictedTpotMs: pr.tpotMs,
      // Steady-state output throughput as the data's README defines it: concurrency × 1000 / TPOT.
      measuredTokPerSec: (conc * 1000) / c.tpotMs,
      predictedTokPerSec: (conc * 1000) / pr.tpotMs,
    };
  });
}

export interface ErrorStats {
  n: number;
  meanApe: number;
  medianApe: number;
  p90Ape: number;
}

export function apeStats(pairs: [predicted: number, measured: number][]): ErrorStats {
  const e = pairs.map(([p, m]) => Math.abs(p - m) / m).sort((a, b) => a - b);
  if (e.length === 0) return { n: 0, meanApe: NaN, medianApe: NaN, p90Ape: NaN };
  const q = (x: number) => e[Math.min(e.length - 1, Math.floor(x * e.length))]!;
  const med = e.length % 2 ? e[(e.length - 1) / 2]! : (e[e.length / 2 - 1]! + e[e.length / 2]!) / 2;
  return { n: e.length, meanApe: (100 * e.reduce((a, b) => a + b, 0)) / e.length, medianApe: 100 * med, p90Ape: 100 * q(0.9) };
}

export function metricStats(results: RowResult[]): Record<'ttft' | 'tpot' | 'throughput', ErrorStats> {
  return {
    ttft: apeStats(results.map((r) => [r.predictedTtftMs, r.measuredTtftMs])),
    tpot: apeStats(results.map((r) => [r.predictedTpotMs, r.measuredTpotMs])),
    throughput: apeStats(results.map((r) => [r.predictedTokPerSec, r.measuredTokPerSec])),
  };
}
