// Fits the shipped coefficients from measured rows: one all-engine set plus one per engine with enough rows.
// Used by `npm run optimizer:train` and by the hold-out study (which refits without the held-out group).
// The benchmark protocol (requests per client, num_prompts / concurrency) is not in the data, so it is fitted
// too: per engine, the count from ROUNDS_CANDIDATES whose coefficients fit that engine's *training* rows best.
import { prepareRows, type PreparedCase } from '../../eval/evaluate.js';
import type { Row } from '../measured.js';
import type { Coefficients } from '../perf/coefficients.js';
import { dot, FEATURE_NAMES } from '../perf/features.js';
import { combineRounds, type SimResult } from '../perf/scheduler.js';
import { fitCoefficients } from './fit.js';
import { median } from '../median.js';

/** Requests per client the rows are first simulated with (any count is re-combined from the same simulation). */
export const DEFAULT_ROUNDS = 4;
/** Requests-per-client counts the fit chooses from, per engine. */
export const ROUNDS_CANDIDATES = [1, 2, 4, 8] as const;
const MIN_ROWS_PER_BACKEND = 40;

/** Fits one coefficient set, choosing the requests-per-client count whose fit has the lowest training error. */
function fitBest(cases: PreparedCase[], candidates: readonly number[]): { c: number[]; rounds: number } {
  let best: { c: number[]; rounds: number; err: number } | undefined;
  for (const rounds of candidates) {
    const sims: SimResult[] = cases.map(({ p }) => (p.rounds === rounds ? p.sim : combineRounds(p.parts, rounds)));
    const c = fitCoefficients(sims.map((s, i) => ({ ttft: s.ttft, tpot: s.tpot, ttftMs: cases[i]!.c.ttftMs, tpotMs: cases[i]!.c.tpotMs })));
    const ape = (pred: number, meas: number) => Math.abs(pred * 1000 - meas) / meas;
    const err = median(sims.map((s, i) => ape(dot(c, s.ttft), cases[i]!.c.ttftMs))) + median(sims.map((s, i) => ape(dot(c, s.tpot), cases[i]!.c.tpotMs)));
    if (!best || err < best.err) best = { c, rounds, err };
  }
  return best!;
}

export function fitCases(cases: PreparedCase[], source: string, candidates: readonly number[] = ROUNDS_CANDIDATES): Coefficients {
  const byBackend: Record<string, number[]> = {};
  const roundsByBackend: Record<string, number> = {};
  for (const be of [...new Set(cases.map((x) => x.c.backend.toLowerCase()))].sort()) {
    const mine = cases.filter((x) => x.c.backend.toLowerCase() === be);
    if (!be || mine.length < MIN_ROWS_PER_BACKEND) continue;
    const f = fitBest(mine, candidates);
    byBackend[be] = f.c;
    roundsByBackend[be] = f.rounds;
  }
  const all = fitBest(cases, candidates);
  return {
    features: [...FEATURE_NAMES],
    coefficients: all.c,
    byBackend,
    rounds: all.rounds,
    roundsByBackend,
    fittedOn: {
      rows: cases.length,
      source,
      models: [...new Set(cases.map((x) => x.c.modelId))].sort(),
      gpus: [...new Set(cases.map((x) => x.c.gpuId))].sort(),
    },
  };
}

export function fitRows(rows: Row[], source: string): Coefficients {
  return fitCases(prepareRows(rows, DEFAULT_ROUNDS).cases, source);
}
