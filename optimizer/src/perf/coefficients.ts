// Fitted step-time coefficients (optimizer/data/coefficients.json, written by `npm run optimizer:train`).
import { z } from 'zod';
import fitted from '../../data/coefficients.json';
import { FEATURE_NAMES, NF } from './features.js';

export const CoefficientsSchema = z
  .object({
    $comment: z.string().optional(),
    features: z.array(z.string()),
    coefficients: z.array(z.number().nonnegative()),
    /** Per serving engine (vllm, sglang, trtllm): engines differ in scheduling and per-request overheads. */
    byBackend: z.record(z.string(), z.array(z.number().nonnegative())).optional(),
    /** Requests each benchmark client sends (num_prompts / concurrency) assumed when fitting. */
    rounds: z.number().int().positive(),
    /** Per engine requests-per-client, chosen by the fit on its training rows; engines absent use `rounds`. */
    roundsByBackend: z.record(z.string(), z.number().int().positive()).optional(),
    fittedOn: z.object({ rows: z.number(), source: z.string(), models: z.array(z.string()), gpus: z.array(z.string()) }).passthrough(),
    trainingError: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type Coefficients = z.infer<typeof CoefficientsSchema>;

/** Pure roofline: datasheet peaks, the link at full speed, no overheads. The baseline every fit must beat. */
export const ROOFLINE_ONLY: Coefficients = {
  features: [...FEATURE_NAMES],
  coefficients: [1, 0, 1, 0, 0, 0, 0, 0, 0],
  rounds: 1,
  fittedOn: { rows: 0, source: 'none: datasheet roofline', models: [], gpus: [] },
};

export function parseCoefficients(raw: unknown, where: string): Coefficients {
  const parsed = CoefficientsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const c = parsed.data;
  const lengths = [c.coefficients, ...Object.values(c.byBackend ?? {})].map((v) => v.length);
  if (c.features.join(',') !== FEATURE_NAMES.join(',') || lengths.some((n) => n !== NF)) {
    throw new Error(`${where}: features [${c.features.join(', ')}] do not match the library's [${FEATURE_NAMES.join(', ')}]: re-run npm run optimizer:train`);
  }
  return c;
}

export const DEFAULT_COEFFICIENTS: Coefficients = parseCoefficients(fitted, 'optimizer/data/coefficients.json');

/** The coefficient vector for an engine, falling back to the all-engine fit. */
export function coefficientsFor(c: Coefficients, backend: string | undefined): number[] {
  return (backend && c.byBackend?.[backend.toLowerCase()]) || c.coefficients;
}

/** Requests per client (benchmark protocol) the fit chose for an engine, falling back to the global `rounds`. */
export function roundsFor(c: Coefficients, backend: string | undefined): number {
  return (backend && c.roundsByBackend?.[backend.toLowerCase()]) || c.rounds;
}
