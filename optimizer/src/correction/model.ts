// The learned correction: two gradient-boosted tree ensembles (xgboost, trained by optimizer/training/) that
// predict log(measured / physics) for TTFT and TPOT from the features in features.ts. The physics prediction
// is multiplied by exp(scale × correction), clipped to ±CLIP, so the correction adjusts the physics, never
// replaces it; the scale (< 1) shrinks it toward the physics, because on models and GPUs it never saw the
// trees' full log factor over-corrects (the README's hold-out study).
//
// The ensembles are evaluated here in TypeScript rather than through onnxruntime-node: the walk is a few
// hundred comparisons, needs no native module rebuilt for each Electron ABI, and a parity test holds it to
// xgboost's own margins (correction.test.ts against data/correction-parity.json, 1e-4).
import { z } from 'zod';
import { CORRECTION_FEATURES } from './features.js';

const TreeSchema = z
  .object({
    /** Index into the correction's feature vector, −1 for a leaf. */
    feature: z.array(z.number().int()),
    /** Split threshold (x goes left when float32(x) < it), or the leaf's value. */
    condition: z.array(z.number()),
    left: z.array(z.number().int()),
    right: z.array(z.number().int()),
    missingLeft: z.array(z.boolean()),
  })
  .strict();

const EnsembleSchema = z.object({ baseScore: z.number(), trees: z.array(TreeSchema) }).strict();
export type Ensemble = z.infer<typeof EnsembleSchema>;

export const CorrectionSchema = z
  .object({
    $comment: z.string().optional(),
    features: z.array(z.string()),
    /** Largest |log factor| applied: the correction may scale the physics by at most e^clip either way. */
    clip: z.number().positive(),
    /** Share of each ensemble's log factor applied (0: physics alone, 1: the trees' full correction). */
    scale: z.object({ ttft: z.number().min(0).max(1), tpot: z.number().min(0).max(1) }).strict(),
    ttft: EnsembleSchema,
    tpot: EnsembleSchema,
    /** Per engine, the newest release (engineVersionNumber) in the training rows: assumed when a request names none. */
    latestEngineVersion: z.record(z.string(), z.number()).optional(),
    trainedOn: z.object({ rows: z.number().int().nonnegative(), xgboost: z.string(), params: z.record(z.string(), z.unknown()) }).passthrough(),
  })
  .strict();
export type Correction = z.infer<typeof CorrectionSchema>;

export function parseCorrection(raw: unknown, where: string): Correction {
  const parsed = CorrectionSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const c = parsed.data;
  if (c.features.join(',') !== CORRECTION_FEATURES.join(',')) {
    throw new Error(`${where}: features [${c.features.join(', ')}] do not match the library's [${CORRECTION_FEATURES.join(', ')}]: re-run npm run optimizer:train`);
  }
  for (const [target, e] of [['ttft', c.ttft], ['tpot', c.tpot]] as const) {
    e.trees.forEach((t, k) => {
      const n = t.feature.length;
      if ([t.condition, t.left, t.right, t.missingLeft].some((a) => a.length !== n)) throw new Error(`${where}: ${target} tree ${k}: node arrays differ in length`);
      for (let i = 0; i < n; i++) {
        if (t.left[i] === -1) continue;
        const bad = t.feature[i]! < 0 || t.feature[i]! >= CORRECTION_FEATURES.length || !(t.left[i]! > i && t.left[i]! < n) || !(t.right[i]! > i && t.right[i]! < n);
        if (bad) throw new Error(`${where}: ${target} tree ${k} node ${i}: child or feature index out of range`);
      }
    });
  }
  return c;
}

/** The ensemble's raw margin (base score + Σ leaf values) for one feature vector, as xgboost computes it. */
export function margin(e: Ensemble, x: ArrayLike<number>): number {
  let s = e.baseScore;
  for (const t of e.trees) {
    let n = 0;
    while (t.left[n] !== -1) {
      const v = x[t.feature[n]!];
      n = v == null || Number.isNaN(v) ? (t.missingLeft[n] ? t.left[n]! : t.right[n]!) : Math.fround(v) < t.condition[n]! ? t.left[n]! : t.right[n]!;
    }
    s += t.condition[n]!;
  }
  return s;
}

/** Multiplicative factors for TTFT and TPOT: exp(scale × margin), clipped to [e^−clip, e^clip]. */
export function correctionFactors(c: Correction, x: ArrayLike<number>): { ttft: number; tpot: number } {
  const f = (e: Ensemble, scale: number) => Math.exp(Math.max(-c.clip, Math.min(c.clip, scale * margin(e, x))));
  return { ttft: f(c.ttft, c.scale.ttft), tpot: f(c.tpot, c.scale.tpot) };
}
