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

  it('says nothing for a run saved before the optimizer recorded its accuracy', () => {
    expect(accuracyLines(undefined)).toBeNull();
  });
});
