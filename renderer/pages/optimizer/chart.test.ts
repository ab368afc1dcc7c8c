import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../optimizer/src/search';
import { buildSeries, formatAxisMs, gpuColors, logTicks, xAxisPlan } from './chart';

const plan = (gpu: string, tp: number, over: Partial<Plan> = {}, e2eMs = 5000): Plan => ({
  cluster: 'local',
  gpu,
  tp,
  pp: 1,
  maxConcurrency: 32,
  maxModelLen: 1280,
  replicas: 1,
  gpusPerReplica: tp,
  totalGpus: tp,
  costPerHour: tp * 3,
  costPerMillionOutputTokens: 4,
  fitsCluster: true,
  meetsSlo: true,
  prediction: { ttftMs: 1, ttftP90Ms: 2, tpotMs: 3, e2eMs, outputTokensPerSec: 400, requestsPerSec: 1, breakdown: {} as Plan['prediction']['breakdown'], correction: null, warnings: [] },
  memory: {} as Plan['memory'],
  ...over,
});

const names = (id: string) => ({ h100_sxm: 'H100 SXM5', a100_80gb_sxm: 'A100 80GB SXM4' })[id] ?? id;

describe('the Pareto chart data', () => {
  it('makes a front series and a dimmed series per GPU type, the front drawn last', () => {
    const plans = [plan('h100_sxm', 4), plan('h100_sxm', 8), plan('a100_80gb_sxm', 4)];
    const series = buildSeries(plans, [plan('h100_sxm', 8)], { gpuName: names, scheme: 'light' });
    expect(series.map((s) => [s.name, s.color, s.data.map((d) => d.i)])).toEqual([
      ['H100 SXM5 · other plans', 'color-mix(in srgb, var(--mantine-color-indigo-6) 35%, transparent)', [0]],
      ['A100 80GB SXM4 · other plans', 'color-mix(in srgb, var(--mantine-color-teal-6) 35%, transparent)', [2]],
      ['H100 SXM5 · Pareto front', 'indigo.6', [1]],
    ]);
  });

  it('plots latency against output tokens per second per GPU', () => {
    const [s] = buildSeries([plan('h100_sxm', 4, {}, 7000)], [], { gpuName: names, scheme: 'dark' });
    expect(s!.data[0]).toEqual({ x: 7000, y: 100, i: 0 });
    expect(s!.color).toBe('color-mix(in srgb, var(--mantine-color-indigo-4) 35%, transparent)');
  });

  it('leaves out plans the cluster cannot run', () => {
    expect(buildSeries([plan('h100_sxm', 4, { fitsCluster: false })], [], { gpuName: names, scheme: 'light' })).toEqual([]);
  });

  it('keeps a GPU colour stable by first appearance', () => {
    expect([...gpuColors([plan('b', 1), plan('a', 1), plan('b', 2)])]).toEqual([
      ['b', 'indigo'],
      ['a', 'teal'],
    ]);
  });

  it('uses readable 1-2-5 ticks on a log axis when latencies span more than a decade', () => {
    expect(logTicks(2500, 160_000)).toEqual([5000, 10_000, 20_000, 50_000, 100_000]);
    const axis = xAxisPlan([{ name: 'a', color: 'red', data: [{ x: 3000, y: 1 }, { x: 140_000, y: 1 }] }]);
    expect(axis.scale).toBe('log');
    expect(axis.ticks).toContain(10_000);
    expect(xAxisPlan([{ name: 'a', color: 'red', data: [{ x: 3000, y: 1 }, { x: 9000, y: 1 }] }])).toEqual({ scale: 'linear', domain: [0, 9450] });
  });

  it('writes axis latencies in ms below a second and in s above', () => {
    expect(formatAxisMs(500)).toBe('500 ms');
    expect(formatAxisMs(20_000)).toBe('20 s');
    expect(formatAxisMs(2500)).toBe('2.5 s');
  });
});
