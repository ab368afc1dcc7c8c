import { describe, expect, it } from 'vitest';
import { breakdownRows, formatPct } from './breakdown';

describe('the breakdown of a prediction', () => {
  it('lists every term in the model order with its share of the total', () => {
    const { rows, totalMs } = breakdownRows({ roofline: 30, overlap: 10, interconnect: 0, collectives: 0, step: 0, sequences: 0, request: 0 });
    expect(totalMs).toBe(40);
    expect(rows.map((r) => r.term)).toEqual(['roofline', 'overlap', 'interconnect', 'collectives', 'step', 'sequences', 'request', 'layers', 'requestLayers']);
    expect(rows[0]!.pct).toBe(75);
    expect(rows[1]!.pct).toBe(25);
  });

  it('keeps terms it does not know yet, and shows zero shares for an empty breakdown', () => {
    const { rows } = breakdownRows({ roofline: 1, spec_decode: 1 });
    expect(rows.at(-1)).toMatchObject({ term: 'spec_decode', pct: 50 });
    expect(breakdownRows({}).rows.every((r) => r.pct === 0)).toBe(true);
  });

  it('shows the learned correction apart, signed, as a share of the physics, and totals to the prediction', () => {
    const lowered = breakdownRows({ roofline: 30, overlap: 10, correction: -8 });
    expect(lowered.totalMs).toBe(32);
    expect(lowered.correction).toMatchObject({ term: 'correction', ms: -8, pct: -20 });
    expect(lowered.rows.map((r) => r.term)).not.toContain('correction');
    expect(breakdownRows({ roofline: 10, correction: 5 }).correction!.pct).toBe(50);
    expect(breakdownRows({ roofline: 10 }).correction).toBeNull();
    expect(formatPct(-20)).toBe('−20%');
  });

  it('shows the calibration apart from the correction, signed, and totals to the calibrated prediction', () => {
    const b = breakdownRows({ roofline: 30, overlap: 10, correction: -8, calibration: 16 });
    expect(b.totalMs).toBe(48);
    expect(b.calibration).toMatchObject({ term: 'calibration', label: 'Calibration', ms: 16, pct: 40 });
    expect(b.rows.map((r) => r.term)).not.toContain('calibration');
    expect(breakdownRows({ roofline: 10 }).calibration).toBeNull();
  });

  it('formats tiny shares without pretending they are zero', () => {
    expect(formatPct(0)).toBe('0%');
    expect(formatPct(0.04)).toBe('<0.1%');
    expect(formatPct(3.14)).toBe('3.1%');
    expect(formatPct(88.3)).toBe('88%');
  });
});
