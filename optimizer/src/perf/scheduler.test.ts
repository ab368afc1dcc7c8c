// The scheduler's engine-specific behaviour, checked on the coefficient-free step features.
import { describe, expect, it } from 'vitest';
import { getGpu } from '../gpus.js';
import { layout } from '../layout.js';
import { getModel } from '../models.js';
import { F } from './features.js';
import { simulateParts, type LoadSpec } from './scheduler.js';
import { stepModel } from './step.js';
import { predict } from './predict.js';

describe('attention-DP ranks that prefill in waves (TensorRT-LLM balance)', () => {
  const dsv3 = getModel('deepseek-ai/DeepSeek-V3');
  const model = stepModel(dsv3, getGpu('b200_sxm'), layout({ tp: 1, dp: 8, ep: 8 }), { weights: 'fp4', kvCache: 'fp8' });
  const load: LoadSpec = { concurrency: 16, isl: 8192, osl: 1024, maxNumSeqs: 256, maxNumBatchedTokens: 8192, kvCapacityTokens: 1e7, rounds: 8 };
  // The later rounds (steady state) are where waves matter: the first wave arrives at once on every rank anyway.
  const independent = simulateParts(model, load).steady;
  const waves = simulateParts(model, { ...load, prefillWaves: { timeoutSteps: 50, batchingSteps: 10 } }).steady;

  it('stalls fewer decode steps with other ranks’ prefills, so TPOT falls', () => {
    expect(waves.tpot[F.roofline]!).toBeLessThan(0.8 * independent.tpot[F.roofline]!);
  });

  it('holds a new prompt for the next wave, at most the timeout, so TTFT rises', () => {
    const extraSteps = (waves.steps - independent.steps);
    expect(extraSteps).toBeGreaterThan(10);
    expect(extraSteps).toBeLessThanOrEqual(50 + 10 + 1e-9);
    expect(waves.ttft[F.step]!).toBeGreaterThan(independent.ttft[F.step]! + 10 * 1e-3);
  });

  it('changes nothing without attention DP', () => {
    const tp = stepModel(dsv3, getGpu('b200_sxm'), layout({ tp: 8, ep: 8 }), { weights: 'fp4', kvCache: 'fp8' });
    expect(simulateParts(tp, { ...load, prefillWaves: { timeoutSteps: 50, batchingSteps: 10 } })).toEqual(simulateParts(tp, load));
  });
});

describe('which engines prefill in waves', () => {
  const run = (backend: string, attentionDpBalance?: boolean) =>
    predict({ model: 'deepseek-ai/DeepSeek-V3', gpu: 'b200_sxm', layout: { tp: 1, dp: 8, ep: 8 }, precision: { weights: 'fp4' }, workload: { isl: 8192, osl: 1024, concurrency: 128 }, engine: { backend, attentionDpBalance } });

  it('assumes TensorRT-LLM balances its attention-DP ranks unless told not to, and vLLM never does', () => {
    const balanced = run('trtllm');
    const independent = run('trtllm', false);
    expect(balanced.tpotMs).toBeLessThan(independent.tpotMs);
    expect(balanced.ttftMs).toBeGreaterThan(independent.ttftMs);
    expect(run('vllm', true).tpotMs).toBeLessThan(run('vllm').tpotMs);
  });
});

describe('the per-layer cost of admitting a request', () => {
  const llama70 = getModel('llama-3.1-70b');
  const units = (tp: number) => {
    const m = stepModel(llama70, getGpu('h100_sxm'), layout({ tp }), { weights: 'fp8', kvCache: 'fp8' });
    const load: LoadSpec = { concurrency: 4, isl: 1024, osl: 128, maxNumSeqs: 256, maxNumBatchedTokens: 8192, kvCapacityTokens: 1e7, rounds: 4 };
    return simulateParts(m, load);
  };

  it('is paid once per request in TTFT, 80 layers × 10 µs, never in TPOT, and the same at TP1 and TP8', () => {
    for (const tp of [1, 8]) {
      const { burst, steady } = units(tp);
      expect(steady.ttft[F.requestLayers]).toBeCloseTo(80 * 1e-5, 12);
      expect(burst.ttft[F.requestLayers]).toBeCloseTo(80 * 1e-5, 12);
      expect(steady.tpot[F.requestLayers]).toBe(0);
    }
  });
});
