// Trains learned corrections with xgboost (optimizer/training/correction.py) from prepared measured rows and
// the coefficients they are corrections of. Used by `npm run optimizer:train` (the shipped correction) and by
// the hold-out study (one correction per fold, trained without the held-out rows, in one Python process).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreparedCase } from '../eval/evaluate.js';
import { CORRECTION_FEATURES, EXCLUDED, MONOTONE, correctionFeatures } from '../src/correction/features.js';
import { parseCorrection, type Correction, type Ensemble } from '../src/correction/model.js';
import type { Coefficients } from '../src/perf/coefficients.js';
import { finish } from '../src/perf/predict.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Chosen on the hold-out study (README history): shallow, slow-learning trees generalise to unseen models. */
export const CORRECTION_PARAMS = { objective: 'reg:absoluteerror', maxDepth: 2, eta: 0.03, rounds: 150, subsample: 0.8, colsample: 0.8, minChildWeight: 5, lambda: 1, seed: 0 } as const;
/** At most a factor e^1.1 ≈ 3 either way. */
export const CORRECTION_CLIP = 1.1;
/**
 * Share of the trees' log factor applied, per target. Since the coefficient fit scores TTFT in log ratio, much
 * of what the full correction learns is the training (model, engine) pairs' own offsets, which do not carry over:
 * held out it over-corrects (GPU-out TPOT worse than the physics alone). The values are the ones inner
 * leave-one-group-out cross-validation *inside each hold-out fold's training rows* picked most often from
 * {0, ¼, ½, ¾, 1} (TPOT ½ in 7 of 15 folds, ¼ and ¾ in 4 each; TTFT ¾ in 8 of 15), which is also the choice of the plain
 * leave-one-group-out on all rows; README, correction round.
 */
export const CORRECTION_SCALE = { ttft: 0.75, tpot: 0.5 } as const;

export interface CorrectionJob {
  name: string;
  cases: PreparedCase[];
  coeffs: Coefficients;
  /** Rows whose xgboost margins come back for the parity test. */
  parity?: Float64Array[];
}

export interface TrainedCorrection {
  name: string;
  correction: Correction;
  parity?: { x: number[][]; ttft: number[]; tpot: number[] };
}

/** Feature vector and targets log(measured / physics) of one measured row under `coeffs`. */
export function correctionRow(x: PreparedCase, coeffs: Coefficients): { f: Float64Array; ttft: number; tpot: number } {
  const physics = finish(x.p, x.c.request, coeffs, null);
  return {
    f: correctionFeatures(x.p, x.c.request.workload, x.c.request.engine?.backend ?? 'vllm', coeffs),
    ttft: Math.log(x.c.ttftMs / physics.ttftMs),
    tpot: Math.log(x.c.tpotMs / physics.tpotMs),
  };
}

/** Per engine, the newest release among the rows that name one. */
function latestVersions(cases: PreparedCase[]): Record<string, number> {
  const latest: Record<string, number> = {};
  for (const x of cases) {
    const v = x.p.engineVersion;
    const be = (x.c.request.engine?.backend ?? 'vllm').toLowerCase();
    if (v !== undefined && Number.isFinite(v) && v > (latest[be] ?? -1)) latest[be] = v;
  }
  return latest;
}

function python(): string {
  return process.env.FOUNDRY_PYTHON ?? 'python3';
}

export function trainCorrections(jobs: CorrectionJob[]): TrainedCorrection[] {
  const dir = mkdtempSync(join(tmpdir(), 'foundry-correction-'));
  try {
    const spec = {
      features: CORRECTION_FEATURES,
      monotone: MONOTONE,
      excluded: EXCLUDED,
      params: CORRECTION_PARAMS,
      jobs: jobs.map((j) => {
        const rows = j.cases.map((x) => correctionRow(x, j.coeffs));
        return { name: j.name, X: rows.map((r) => Array.from(r.f)), y: { ttft: rows.map((r) => r.ttft), tpot: rows.map((r) => r.tpot) }, parityX: j.parity?.map((r) => Array.from(r)) };
      }),
    };
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(spec));
    const script = join(here, 'correction.py');
    const r = spawnSync(python(), [script, join(dir, 'jobs.json'), join(dir, 'out.json')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) {
      const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-3).join(' ');
      throw new Error(`training the correction needs ${python()} with optimizer/training/requirements.txt installed (pip install -r optimizer/training/requirements.txt; FOUNDRY_PYTHON picks another interpreter): ${why}`);
    }
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { xgboost: string; jobs: { name: string; ttft: Ensemble; tpot: Ensemble; parity?: { ttft: number[]; tpot: number[] } }[] };
    return out.jobs.map((o, k) => {
      const job = jobs[k]!;
      const correction = parseCorrection(
        { features: [...CORRECTION_FEATURES], clip: CORRECTION_CLIP, scale: { ...CORRECTION_SCALE }, ttft: o.ttft, tpot: o.tpot, latestEngineVersion: latestVersions(job.cases), trainedOn: { rows: job.cases.length, xgboost: out.xgboost, params: { ...CORRECTION_PARAMS } } },
        `correction ${o.name}`,
      );
      return { name: o.name, correction, parity: o.parity && job.parity ? { x: job.parity.map((r) => Array.from(r)), ...o.parity } : undefined };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
