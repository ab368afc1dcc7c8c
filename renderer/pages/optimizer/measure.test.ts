import { describe, expect, it } from 'vitest';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { planKey } from './format';
import { defaultMeasureForm, errorTone, formatError, planOptionLabel, summarize, toMeasureInput, validateMeasure, type OptimizerMeasurement } from './measure';

const plan = (tp: number, c: number) => ({ cluster: 'lab', gpu: 'h100_sxm', tp, pp: 1, maxConcurrency: c }) as OptimizerRun['result']['plans'][number];
const plans = [plan(2, 16), plan(4, 64), plan(8, 64)];
const run = { id: 'opt_1', request: { workload: { isl: 2048, osl: 256 } }, result: { plans, recommended: plans[1] }, measurements: [] } as unknown as OptimizerRun;

describe('the measured-vs-predicted form', () => {
  it('starts on the recommended plan at its own load and the run’s prompt lengths', () => {
    expect(defaultMeasureForm(run)).toMatchObject({ plan: planKey(plans[1]!), concurrency: 64, isl: 2048, osl: 256, ttftMs: '', tpotMs: '' });
    expect(defaultMeasureForm({ ...run, result: { ...run.result, recommended: null } })).toMatchObject({ plan: null, concurrency: '' });
    expect(planOptionLabel(plans[0]!)).toBe('lab · h100_sxm · tp2 pp1 · 16 seqs');
  });

  it('asks for the measured TTFT and TPOT, and checks the rest beside each field', () => {
    const f = defaultMeasureForm(run);
    expect(validateMeasure(f, run)).toEqual({ ttftMs: 'Enter the measured TTFT', tpotMs: 'Enter the measured TPOT' });
    expect(validateMeasure({ ...f, plan: 'lab/other', concurrency: 2.5, ttftMs: -1, tpotMs: 20, tokensPerSec: 0, note: 'x'.repeat(201) }, run)).toEqual({
      plan: 'Choose the deployed plan',
      concurrency: 'A whole number',
      ttftMs: 'Above 0',
      tokensPerSec: 'Above 0',
      note: 'At most 200 characters',
    });
  });

  it('sends the plan by its position in the run, and leaves blank optional values out', () => {
    const f = { ...defaultMeasureForm(run), plan: planKey(plans[2]!), ttftMs: 850, tpotMs: 31.5, note: '  genai-perf  ' };
    expect(validateMeasure(f, run)).toEqual({});
    expect(toMeasureInput(f, run)).toEqual({ runId: 'opt_1', planIndex: 2, concurrency: 64, isl: 2048, osl: 256, ttftMs: 850, tpotMs: 31.5, note: 'genai-perf' });
    expect(toMeasureInput({ ...f, tokensPerSec: 1200, note: '' }, run)).toMatchObject({ outputTokensPerSec: 1200 });
  });

  it('writes errors signed and marks those beyond the optimizer’s held-out p90', () => {
    expect([formatError(12.4), formatError(-7.6), formatError(0.2), formatError(null)]).toEqual(['+12%', '−8%', '0%', '–']);
    expect([errorTone(80, 60), errorTone(-80, 60), errorTone(40, 60), errorTone(null, 60), errorTone(500, undefined)]).toEqual(['far', 'far', 'ok', 'none', 'ok']);
  });

  it('sums up a run’s measurements as the median absolute error per metric', () => {
    const m = (ttft: number, tpot: number, throughput: number | null) => ({ errorPct: { ttft, tpot, throughput } }) as OptimizerMeasurement;
    expect(summarize([])).toBeNull();
    expect(summarize([m(10, -4, null), m(-30, 2, 12), m(20, -8, null)])).toEqual({ count: 3, ttft: 20, tpot: 4, throughput: 12 });
    expect(summarize([m(10, 1, null), m(-30, 3, null)])).toEqual({ count: 2, ttft: 20, tpot: 2, throughput: null });
  });
});
