import { describe, expect, it } from 'vitest';
import { F, zeros } from '../perf/features.js';
import { fitCoefficients, type Sample } from './fit.js';

// TPOT rows see only the roofline term and TTFT rows only the per-request term, so each coefficient is fitted by
// one kind of row and the loss each kind uses shows directly.
function sample(tpotMs: number, ttftMs: number): Sample {
  const tpot = zeros();
  tpot[F.roofline] = 0.01; // 10 ms of roofline time
  const ttft = zeros();
  ttft[F.request] = 0.1; // 100 ms per request (UNIT.request × 100)
  return { tpot, ttft, tpotMs, ttftMs };
}

describe('fitCoefficients', () => {
  it('recovers the coefficients of noise-free data', () => {
    const c = fitCoefficients([sample(15, 300), sample(15, 300), sample(15, 300)]);
    expect(c[F.roofline]).toBeCloseTo(1.5, 3);
    expect(c[F.request]).toBeCloseTo(3, 3);
  });

  it('centres TTFT in log: runs over- and under-predicted by the same factor weigh alike', () => {
    // True per-request cost 200 ms; a third of the runs measure e× more, a third e× less. Relative-error L1
    // would settle on the low third (a 2.7× over-prediction costs 1.7, an under-prediction at most 1): 74 ms.
    const rows: Sample[] = [];
    for (let i = 0; i < 30; i++) rows.push(sample(10, 200 * [Math.E, 1, 1 / Math.E][i % 3]!));
    const c = fitCoefficients(rows);
    expect(c[F.request]! * 100).toBeGreaterThan(190);
    expect(c[F.request]! * 100).toBeLessThan(210);
    expect(c[F.roofline]).toBeCloseTo(1, 3);
  });

  it('refuses an empty sample set with the reason', () => {
    expect(() => fitCoefficients([])).toThrow(/zero samples/);
  });
});
