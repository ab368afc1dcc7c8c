import { describe, expect, it } from 'vitest';
import { calibrationHint, calibrationLine } from './calibration';

describe('calibration wording', () => {
  it('says what a calibrated run would use, or why nothing', () => {
    expect(calibrationHint(null, 'vLLM', undefined)).toBe('Measurements are counted once a model is chosen');
    expect(calibrationHint('llama-3.1-70b', 'vLLM', undefined)).toBe('Counting measurements…');
    expect(calibrationHint('llama-3.1-70b', 'vLLM', { measurements: 0, deployments: 0 })).toBe('None recorded for this model on vLLM yet');
    expect(calibrationHint('llama-3.1-70b', 'SGLang', { measurements: 1, deployments: 1 })).toBe('1 measurement of 1 deployment on SGLang');
    expect(calibrationHint('llama-3.1-70b', 'vLLM', { measurements: 1200, deployments: 3 })).toBe('1,200 measurements of 3 deployments on vLLM');
  });

  it("puts a plan's factors and their basis in one line", () => {
    expect(calibrationLine({ ttftFactor: 1.234, tpotFactor: 0.9, points: 2, basis: 'same prompt lengths', ttftBasis: 'same prompt lengths' })).toBe('Calibrated by 2 measurements of this deployment at these prompt lengths: TTFT ×1.23, TPOT ×0.90');
    expect(calibrationLine({ ttftFactor: 1, tpotFactor: 0.9, points: 1, basis: 'other prompt lengths', ttftBasis: 'none' })).toBe('Calibrated by 1 measurement of this deployment: TTFT as predicted (none measured at this input length), TPOT ×0.90 (other prompt lengths)');
    expect(calibrationLine({ ttftFactor: 1.5, tpotFactor: 0.9, points: 2, basis: 'other prompt lengths', ttftBasis: 'same input length' })).toBe('Calibrated by 2 measurements of this deployment: TTFT ×1.50 (this input length, another output length), TPOT ×0.90 (other prompt lengths)');
    // Saved by the first release of calibration, which had one basis for both.
    expect(calibrationLine({ ttftFactor: 1.2, tpotFactor: 0.9, points: 1, basis: 'other prompt lengths' } as never)).toBe('Calibrated by 1 measurement of this deployment: TTFT ×1.20 (other prompt lengths), TPOT ×0.90 (other prompt lengths)');
  });
});
