/**
 * The Pareto chart's data: one series per GPU type for the front, and one dimmed series per GPU type
 * for the other plans the fleet can run. Plans that need more GPUs than a cluster has are left out
 * of the chart (they are not on the front either). Pure so it is tested without a DOM.
 */
import type { ScatterChartSeries } from '@mantine/charts';
import type { Plan } from '../../../optimizer/src/search';
import { planKey, tokensPerGpu } from './format';

const PALETTE = ['indigo', 'teal', 'orange', 'grape', 'cyan', 'pink', 'lime', 'yellow'] as const;

export type Scheme = 'light' | 'dark';

export interface ChartSeries extends ScatterChartSeries {
  gpu: string;
  front: boolean;
}

/** The theme colour of a GPU type, stable within one result (order of first appearance). */
export function gpuColors(plans: readonly Pick<Plan, 'gpu'>[]): Map<string, (typeof PALETTE)[number]> {
  const colors = new Map<string, (typeof PALETTE)[number]>();
  for (const p of plans) if (!colors.has(p.gpu)) colors.set(p.gpu, PALETTE[colors.size % PALETTE.length]!);
  return colors;
}

/**
 * The colours of a GPU type's front and of its dimmed plans. Dimmed is the same colour at a third of
 * its strength, which reads as "behind" on both light and dark backgrounds (a darker shade does not).
 */
export function shades(color: string, scheme: Scheme): { strong: string; weak: string } {
  const strong = `${color}.${scheme === 'dark' ? 4 : 6}`;
  return { strong, weak: `color-mix(in srgb, var(--mantine-color-${color}-${scheme === 'dark' ? 4 : 6}) 35%, transparent)` };
}

/** Points carry `i`, the plan's index in `plans`, so the tooltip and a click can find the plan. */
export function buildSeries(plans: readonly Plan[], pareto: readonly Plan[], opts: { gpuName(id: string): string; scheme: Scheme }): ChartSeries[] {
  const onFront = new Set(pareto.map(planKey));
  const colors = gpuColors(plans);
  const front: ChartSeries[] = [];
  const rest: ChartSeries[] = [];
  for (const [gpu, color] of colors) {
    const { strong, weak } = shades(color, opts.scheme);
    const runnable = plans.map((p, i) => ({ p, i })).filter(({ p }) => p.gpu === gpu && p.fitsCluster);
    const point = ({ p, i }: { p: Plan; i: number }) => ({ x: p.prediction.e2eMs, y: tokensPerGpu(p), i });
    const mine = runnable.filter(({ p }) => onFront.has(planKey(p)));
    const others = runnable.filter(({ p }) => !onFront.has(planKey(p)));
    if (mine.length) front.push({ gpu, front: true, name: `${opts.gpuName(gpu)} · Pareto front`, color: strong, data: mine.map(point) });
    if (others.length) rest.push({ gpu, front: false, name: `${opts.gpuName(gpu)} · other plans`, color: weak, data: others.map(point) });
  }
  // Dimmed series first, so the front is drawn on top of them.
  return [...rest, ...front];
}

/** Ticks at 1, 2 and 5 × 10^k covering [min, max], for a log axis people can read. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= min && t <= max) ticks.push(t);
    }
  }
  return ticks;
}

export interface XAxisPlan {
  scale: 'log' | 'linear';
  domain: [number, number];
  ticks?: number[];
}

/** A log axis when latencies span more than a decade (they often span 50×), else linear. */
export function xAxisPlan(series: readonly ScatterChartSeries[]): XAxisPlan {
  const xs = series.flatMap((s) => s.data.map((d) => d.x!)).filter((x) => x > 0);
  if (xs.length === 0) return { scale: 'linear', domain: [0, 1] };
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  if (max / min <= 10) return { scale: 'linear', domain: [0, Math.ceil(max * 1.05)] };
  const lo = min * 0.85;
  const hi = max * 1.15;
  return { scale: 'log', domain: [lo, hi], ticks: logTicks(lo, hi) };
}

/** Axis ticks in ms, short: 500 ms, 2 s, 15 s, 1.5 min are all written in ms or s. */
export function formatAxisMs(ms: number): string {
  if (ms >= 1000) return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(ms / 1000)} s`;
  return `${Math.round(ms)} ms`;
}
