// The trend study (`npm run optimizer:eval -- … --levels`): is any trend left inside a group once its level is
// removed? The level study (levels.ts) says how far knowing each group's level would go; this says whether the
// error left inside a group follows an input a model could learn. Three nested views, each on the level of the
// one inside it, so every row or group counts once:
//   - inside each series (one deployment at one pair of prompt lengths): its rows by client count;
//   - inside each deployment: its series' levels by prompt length;
//   - inside each model × GPU × engine release: its deployments' levels by tensor-parallel size.
// A band whose median is near zero holds nothing to learn: what is left there is each group's own scatter.
import { deploymentKey } from '../src/calibration.js';
import { layout as makeLayout } from '../src/layout.js';
import type { PreparedCase, RowResult } from './evaluate.js';
import { engineOf, groupBy, levelOf, logsOf, type Logs, type Metric } from './levels.js';

type Case = PreparedCase['c'];

export interface TrendBand {
  band: string;
  /** Rows (or group levels) in the band. */
  n: number;
  /** Median of log(measured / predicted) in the band, after the enclosing group's level is removed. */
  medianLog: Record<Metric, number>;
}

export interface Trend {
  view: string;
  bands: TrendBand[];
}

interface Item { c: Case; logs: Logs }

const levelOfItems = (items: Item[]) => levelOf(items.map((i) => i.logs));

/**
 * Each group's items, each less the level of the *other* members of its group. Leaving the item out matters: less
 * its own group's median, the middle member of every odd-sized group would read exactly 0 and pull each band's
 * median there. Groups of one say nothing about a trend and are dropped.
 */
function insideGroups(items: Item[], key: (c: Case) => string): Item[] {
  return groupBy(items, (i) => key(i.c)).filter((g) => g.length > 1).flatMap((g) =>
    g.map((item) => {
      const level = levelOfItems(g.filter((other) => other !== item));
      return { c: item.c, logs: { ttft: item.logs.ttft - level.ttft, tpot: item.logs.tpot - level.tpot, throughput: item.logs.throughput - level.throughput } };
    }),
  );
}

/** One item per group, carrying the group's level (its first case stands for the group's inputs). */
function levels(items: Item[], key: (c: Case) => string): Item[] {
  return groupBy(items, (i) => key(i.c)).map((g) => ({ c: g[0]!.c, logs: levelOfItems(g) }));
}

function bands(items: Item[], band: (c: Case) => [number, string]): TrendBand[] {
  const byBand = groupBy(items, (i) => band(i.c)[1]);
  return byBand
    .map((g) => ({ order: band(g[0]!.c)[0], band: band(g[0]!.c)[1], n: g.length, medianLog: levelOfItems(g) }))
    .sort((a, b) => a.order - b.order)
    .map(({ order: _order, ...b }) => b);
}

/** Powers of four: 1, 2–4, 5–16, 17–64, … */
function powerBand(value: number, base: number): [number, string] {
  let hi = 1;
  while (hi < value) hi *= base;
  const lo = hi === 1 ? 1 : hi / base + 1;
  return [hi, lo === hi ? `${hi}` : `${lo}–${hi}`];
}

const seriesKey = (c: Case) => `${deploymentKey(c.request)} @ ${c.request.workload.isl}/${c.request.workload.osl}`;
const releaseKey = (c: Case) => `${c.modelId} | ${c.gpuId} | ${engineOf(c).backend} ${engineOf(c).release}`;

/** `results` are the predictions to study (any hold-out's), matched to their cases by id. */
export function trendStudy(cases: PreparedCase[], results: RowResult[]): Trend[] {
  const byId = new Map(cases.map((x) => [x.c.id, x.c]));
  const rows: Item[] = results.flatMap((r) => {
    const c = byId.get(r.id);
    return c ? [{ c, logs: logsOf(r) }] : [];
  });
  const seriesLevels = levels(rows, seriesKey);
  const deploymentLevels = levels(rows, (c) => deploymentKey(c.request));
  return [
    { view: 'inside each series, rows by clients', bands: bands(insideGroups(rows, seriesKey), (c) => powerBand(c.request.workload.concurrency, 4)) },
    { view: 'inside each deployment, series by prompt tokens', bands: bands(insideGroups(seriesLevels, (c) => deploymentKey(c.request)), (c) => powerBand(c.request.workload.isl, 4)) },
    { view: 'inside each model × GPU × engine release, deployments by TP', bands: bands(insideGroups(deploymentLevels, releaseKey), (c) => { const tp = makeLayout(c.request.layout).tp; return [tp, `TP ${tp}`]; }) },
  ];
}
