import { describe, expect, it } from 'vitest';
import { formatContext, formatMs, formatParams, formatTokensPerSec, formatUsd, layoutLabel, paramsLine, planKey, replicaLayout, runAsk, sloState } from './format';

describe('optimizer formatting', () => {
  it('writes parameter counts the way people say them', () => {
    expect(formatParams(70.55e9)).toBe('70.6 B');
    expect(formatParams(567e6)).toBe('567 M');
    expect(formatParams(1.03e12)).toBe('1.03 T');
  });

  it('adds the active parameters only for a mixture of experts', () => {
    expect(paramsLine({ params: 70.6e9, activeParams: 70.6e9 })).toBe('70.6 B params');
    expect(paramsLine({ params: 235e9, activeParams: 22e9 })).toBe('235.0 B params · 22.0 B active');
  });

  it('chooses the precision of a latency by its size', () => {
    expect(formatMs(56.33)).toBe('56.3 ms');
    expect(formatMs(1386.2)).toBe('1,386 ms');
    expect(formatMs(15751)).toBe('15.8 s');
    expect(formatMs(Number.NaN)).toBe('—');
  });

  it('formats throughput, money and context', () => {
    expect(formatTokensPerSec(520.28)).toBe('520 tok/s');
    expect(formatTokensPerSec(42.25)).toBe('42.3 tok/s');
    expect(formatUsd(4.2711)).toBe('$4.27');
    expect(formatContext(131072)).toBe('128k ctx');
    expect(formatContext(40000)).toBe('40,000 ctx');
  });

  it('keys a plan and its rejection the same way', () => {
    const base = { cluster: 'lab', gpu: 'h100_sxm', tp: 4, pp: 1 };
    expect(planKey({ ...base, maxConcurrency: 32 })).toBe('lab/h100_sxm/tp4/pp1/c32');
    expect(planKey(base)).toBe('lab/h100_sxm/tp4/pp1/c-');
    // An attention-DP layout on the same GPUs is a different plan.
    expect(planKey({ ...base, tp: 1, attentionDp: 8, maxConcurrency: 32 })).toBe('lab/h100_sxm/tp1/pp1/dp8/c32');
  });

  it('names a replica by its split: tensor-parallel, or attention DP with its experts expert-parallel', () => {
    expect(layoutLabel({ tp: 4, pp: 2 })).toBe('tp4 pp2');
    expect(layoutLabel({ tp: 1, pp: 1, attentionDp: 8 })).toBe('dp8 ep8');
    expect(replicaLayout({ tp: 1, pp: 1, attentionDp: 1 })).toBe('tp1 pp1');
  });

  it('says a plan that needs more GPUs than the cluster has is too big, not failing its SLO', () => {
    expect(sloState({ meetsSlo: true, fitsCluster: true })).toBe('meets');
    expect(sloState({ meetsSlo: true, fitsCluster: false })).toBe('too-big');
    expect(sloState({ meetsSlo: false, fitsCluster: false })).toBe('misses');
  });
});

describe('a saved run’s summary line', () => {
  it('names the workload, engine and every SLO the run was asked for', () => {
    expect(runAsk({ workload: { isl: 1024, osl: 256 }, backend: 'vllm', slo: { ttftMs: 2000, tpotMs: 80, targetRequestsPerSec: 2 } })).toBe('1,024/256 tokens · vllm · TTFT mean ≤ 2,000 ms · TPOT ≤ 80.0 ms · 2 req/s');
    expect(runAsk({ workload: { isl: 8192, osl: 1024 }, backend: 'sglang', slo: { ttftMs: 500, ttftPercentile: 'p90' } })).toBe('8,192/1,024 tokens · sglang · TTFT p90 ≤ 500 ms');
  });
});
