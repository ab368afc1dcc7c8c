// The library's own measured accuracy (optimizer/data/accuracy.json, written by `npm run optimizer:train`):
// absolute % error on models and GPUs left out of fitting. Plans carry it so a UI can say how far to trust them.
import { z } from 'zod';
import measured from '../data/accuracy.json';

const Stat = z.object({ medianApe: z.number().nonnegative(), meanApe: z.number().nonnegative(), p90Ape: z.number().nonnegative() }).strict();
const Metrics = z.object({ ttft: Stat, tpot: Stat, throughput: Stat }).strict();

export const AccuracySchema = z
  .object({
    $comment: z.string().optional(),
    rows: z.number().int().nonnegative(),
    unsupportedRows: z.number().int().nonnegative(),
    /** Leave-one-model-out: each model predicted by a fit that never saw it. */
    heldOutModel: Metrics,
    /** Leave-one-GPU-out. */
    heldOutGpu: Metrics,
    models: z.number().int().nonnegative(),
    gpus: z.number().int().nonnegative(),
    /**
     * The held-out-model predictions once measurements of the same deployment calibrate them (calibration.ts,
     * eval/calibrate.ts): one measurement of a sweep, its two ends, or measurements at other prompt lengths.
     */
    calibrated: z.object({ onePoint: Metrics, twoPoints: Metrics, otherPromptLengths: Metrics }).strict().optional(),
  })
  .strict();
export type MeasuredAccuracy = z.infer<typeof AccuracySchema>;

export function parseAccuracy(raw: unknown, where: string): MeasuredAccuracy {
  const parsed = AccuracySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; re-run npm run optimizer:train`);
  return parsed.data;
}

export const MEASURED_ACCURACY: MeasuredAccuracy = parseAccuracy(measured, 'optimizer/data/accuracy.json');
