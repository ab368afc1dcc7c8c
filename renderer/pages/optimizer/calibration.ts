/** Words for calibration on the Optimizer page: the form's hint, and what calibrated a plan. */
import type { Plan } from '../../../optimizer/src/search';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Under the checkbox: what a calibrated run of this model on this engine would use. */
export function calibrationHint(model: string | null, engine: string, count: { measurements: number; deployments: number } | undefined): string {
  if (!model) return 'Measurements are counted once a model is chosen';
  if (!count) return 'Counting measurements…';
  if (count.measurements === 0) return `None recorded for this model on ${engine} yet`;
  return `${plural(count.measurements, 'measurement')} of ${plural(count.deployments, 'deployment')} on ${engine}`;
}

/** A plan's calibration as one line: the factors and where they came from. */
export function calibrationLine(c: NonNullable<Plan['prediction']['calibration']>): string {
  const by = `Calibrated by ${plural(c.points, 'measurement')} of this deployment`;
  // Runs saved before TTFT had its own basis calibrated both from the same measurements.
  const ttftBasis = c.ttftBasis ?? c.basis;
  if (c.basis === 'same prompt lengths' && ttftBasis === 'same prompt lengths') return `${by} at these prompt lengths: TTFT ×${c.ttftFactor.toFixed(2)}, TPOT ×${c.tpotFactor.toFixed(2)}`;
  const ttft =
    ttftBasis === 'none'
      ? 'TTFT as predicted (none measured at this input length)'
      : `TTFT ×${c.ttftFactor.toFixed(2)} (${ttftBasis === 'same prompt lengths' ? 'these prompt lengths' : ttftBasis === 'same input length' ? 'this input length, another output length' : 'other prompt lengths'})`;
  return `${by}: ${ttft}, TPOT ×${c.tpotFactor.toFixed(2)} (${c.basis === 'same prompt lengths' ? 'these' : 'other'} prompt lengths)`;
}
