// Fits the shipped coefficients from measured rows: one all-engine set plus one per engine with enough rows.
// Used by `npm run optimizer:train` and by the hold-out study (which refits without the held-out group).
import { prepareRows, type PreparedCase } from '../../eval/evaluate.js';
import type { Row } from '../measured.js';
import type { Coefficients } from '../perf/coefficients.js';
import { FEATURE_NAMES } from '../perf/features.js';
import { fitCoefficients } from './fit.js';

/** Requests per client assumed for the benchmark runs (num_prompts / concurrency); 4 fitted best of 1, 2, 4, 8. */
export const DEFAULT_ROUNDS = 4;
const MIN_ROWS_PER_BACKEND = 40;

export function fitCases(cases: PreparedCase[], rounds: number, source: string): Coefficients {
  const sample = (xs: PreparedCase[]) => xs.map(({ c, p }) => ({ ttft: p.sim.ttft, tpot: p.sim.tpot, ttftMs: c.ttftMs, tpotMs: c.tpotMs }));
  const byBackend: Record<string, number[]> = {};
  for (const be of [...new Set(cases.map((x) => x.c.backend.toLowerCase()))].sort()) {
    const mine = cases.filter((x) => x.c.backend.toLowerCase() === be);
    if (be && mine.length >= MIN_ROWS_PER_BACKEND) byBackend[be] = fitCoefficients(sample(mine));
  }
  return {
    features: [...FEATURE_NAMES],
    coefficients: fitCoefficients(sample(cases)),
    byBackend,
    rounds,
    fittedOn: {
      rows: cases.length,
      source,
      models: [...new Set(cases.map((x) => x.c.modelId))].sort(),
      gpus: [...new Set(cases.map((x) => x.c.gpuId))].sort(),
    },
  };
}

export function fitRows(rows: Row[], source: string, rounds = DEFAULT_ROUNDS): Coefficients {
  return fitCases(prepareRows(rows, rounds).cases, rounds, source);
}
