import { describe, expect, it } from 'vitest';
import { MEASURED_ACCURACY } from '../../../optimizer/src/accuracy';
import { accuracyLines } from './accuracy';

describe('the accuracy note', () => {
  it('states the library’s own held-out medians, rounded, for models and GPUs', () => {
    const a = { ...MEASURED_ACCURACY, heldOutModel: { ...MEASURED_ACCURACY.heldOutModel, tpot: { medianApe: 19.04, meanApe: 26, p90Ape: 47.5 } } };
    const l = accuracyLines(a)!;
    expect(l.models).toContain('TPOT ±19%');
    expect(l.models).toContain(`TTFT ±${Math.round(a.heldOutModel.ttft.medianApe)}%`);
    expect(l.models).toContain('more than ±48% on TPOT');
    expect(l.gpus).toContain(`TPOT ±${Math.round(a.heldOutGpu.tpot.medianApe)}%`);
    expect(l.gpus).toContain(`${a.models} models and ${a.gpus} GPUs`);
  });

  it('adds what calibrated plans can expect, when the library measured it', () => {
    const cal = { ttft: { medianApe: 16.4, meanApe: 37, p90Ape: 64 }, tpot: { medianApe: 7.3, meanApe: 11, p90Ape: 23 }, throughput: { medianApe: 7.3, meanApe: 11, p90Ape: 25 } };
    const two = { ...cal, ttft: { ...cal.ttft, medianApe: 12.6 }, tpot: { ...cal.tpot, medianApe: 5.9 } };
    const l = accuracyLines({ ...MEASURED_ACCURACY, calibrated: { onePoint: cal, twoPoints: two, otherPromptLengths: cal } })!;
    expect(l.calibrated).toBe('Plans calibrated by measurements of their deployment: TPOT ±7%, TTFT ±16% with one measurement at these prompt lengths; TPOT ±6%, TTFT ±13% between two.');
    const { calibrated: _drop, ...older } = MEASURED_ACCURACY;
    expect(accuracyLines(older)!.calibrated).toBeNull();
  });

  it('says nothing for a run saved before the optimizer recorded its accuracy', () => {
    expect(accuracyLines(undefined)).toBeNull();
  });
});
