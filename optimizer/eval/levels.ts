// The level study (`npm run optimizer:eval -- … --levels`): how much of the error is each group's own level. For
// each grouping (model; + GPU; + engine; + engine release; + precision and layout, i.e. the deployment; + prompt
// lengths, i.e. the series) it removes every group's median log(measured / predicted) and scores what is left.
// That is an oracle: it reads the levels from the very rows it scores, so its figures are a floor no predictor
// reaches that knows the level only per that grouping — if the floor at "model × GPU × engine release" is above a
// goal, no feature of the model, the GPU or the engine can meet the goal; only a measurement of the layout can.
import { deploymentKey } from '../src/calibration.js';
import { NEWEST_ENGINE_RELEASES } from '../src/correction/default.js';
import { median } from '../src/median.js';
import { metricStats, type ErrorStats, type PreparedCase, type RowResult } from './evaluate.js';

export interface LevelFloor {
  grouping: string;
  groups: number;
  stats: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
}

type Case = PreparedCase['c'];

export function engineOf(c: Case): { backend: string; release: string } {
  const backend = (c.request.engine?.backend ?? 'vllm').toLowerCase();
  const version = c.request.engine?.version;
  return { backend, release: (version === undefined ? NEWEST_ENGINE_RELEASES[backend] : version) ?? 'unnamed' };
}

const GROUPINGS: [string, (c: Case, r: RowResult) => string][] = [
  ['all rows (one global level)', () => ''],
  ['model', (_c, r) => r.model],
  ['model × GPU', (_c, r) => `${r.model} | ${r.gpu}`],
  ['model × GPU × engine', (c, r) => `${r.model} | ${r.gpu} | ${engineOf(c).backend}`],
  ['model × GPU × engine release', (c, r) => `${r.model} | ${r.gpu} | ${engineOf(c).backend} ${engineOf(c).release}`],
  ['deployment (+ precision and layout)', (c) => deploymentKey(c.request)],
  ['series (+ prompt lengths)', (c) => `${deploymentKey(c.request)} @ ${c.request.workload.isl}/${c.request.workload.osl}`],
];

export type Metric = 'ttft' | 'tpot' | 'throughput';
export type Logs = Record<Metric, number>;

/** log(measured / predicted) per metric. */
export function logsOf(r: RowResult): Logs {
  return {
    ttft: Math.log(r.measuredTtftMs / r.predictedTtftMs),
    tpot: Math.log(r.measuredTpotMs / r.predictedTpotMs),
    throughput: Math.log(r.measuredTokPerSec / r.predictedTokPerSec),
  };
}

/** A group's level: the median of its members' log ratios, per metric. */
export function levelOf(logs: Logs[]): Logs {
  return { ttft: median(logs.map((l) => l.ttft)), tpot: median(logs.map((l) => l.tpot)), throughput: median(logs.map((l) => l.throughput)) };
}

/** The items in groups of one key, in the order each key first appears. */
export function groupBy<T>(items: T[], key: (t: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return [...groups.values()];
}

/** Each group's median log ratio per metric, applied to its predictions. */
function levelled(rows: { c: Case; r: RowResult }[], key: (c: Case, r: RowResult) => string): { results: RowResult[]; groups: number } {
  const groups = groupBy(rows, ({ c, r }) => key(c, r));
  const results: RowResult[] = [];
  for (const members of groups) {
    const level = levelOf(members.map(({ r }) => logsOf(r)));
    for (const { r } of members) results.push({ ...r, predictedTtftMs: r.predictedTtftMs * Math.exp(level.ttft), predictedTpotMs: r.predictedTpotMs * Math.exp(level.tpot), predictedTokPerSec: r.predictedTokPerSec * Math.exp(level.throughput) });
  }
  return { results, groups: groups.length };
}

/** `results` are the predictions to study (any hold-out's), matched to their cases by id. */
export function levelStudy(cases: PreparedCase[], results: RowResult[]): LevelFloor[] {
  const byId = new Map(cases.map((x) => [x.c.id, x.c]));
  const rows = results.flatMap((r) => {
    const c = byId.get(r.id);
    return c ? [{ c, r }] : [];
  });
  return GROUPINGS.map(([grouping, key]) => {
    const { results: out, groups } = levelled(rows, key);
    return { grouping, groups, stats: metricStats(out) };
  });
}
