/** The library's measured held-out error, as the sentence the result view shows under a run. */
import type { MeasuredAccuracy } from '../../../optimizer/src/accuracy';

const pct = (x: number) => `±${Math.round(x)}%`;

/** null for runs saved before the optimizer recorded its accuracy. */
export function accuracyLines(a: MeasuredAccuracy | undefined): { models: string; gpus: string; calibrated: string | null } | null {
  if (!a) return null;
  const m = a.heldOutModel;
  const g = a.heldOutGpu;
  return {
    models: `Expected error on models it was not fitted on: TPOT ${pct(m.tpot.medianApe)}, TTFT ${pct(m.ttft.medianApe)}, throughput ${pct(m.throughput.medianApe)} (median; 1 in 10 predictions is off by more than ${pct(m.tpot.p90Ape)} on TPOT).`,
    gpus: `On GPUs it was not fitted on: TPOT ${pct(g.tpot.medianApe)}, TTFT ${pct(g.ttft.medianApe)}. Measured by leaving each of ${a.models} models and ${a.gpus} GPUs out of fitting over ${a.rows.toLocaleString('en-US')} benchmark runs.`,
    calibrated: a.calibrated
      ? `Plans calibrated by measurements of their deployment: TPOT ${pct(a.calibrated.onePoint.tpot.medianApe)}, TTFT ${pct(a.calibrated.onePoint.ttft.medianApe)} with one measurement at these prompt lengths; TPOT ${pct(a.calibrated.twoPoints.tpot.medianApe)}, TTFT ${pct(a.calibrated.twoPoints.ttft.medianApe)} between two.`
      : null,
  };
}
