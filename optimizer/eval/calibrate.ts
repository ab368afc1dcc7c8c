// The calibration study (`npm run optimizer:eval -- … --calibrate`): how far the predictions of a deployment land
// once some of its own measurements calibrate them (src/calibration.ts). A *series* is one deployment (model, GPU,
// engine release, precision, layout) at one pair of prompt lengths, measured at several client counts. Three
// protocols, each scoring only rows that did not calibrate themselves:
// - one point: the series' middle client count calibrates the rest of the series;
// - two points: its lowest and highest client counts calibrate the ones between;
// - other prompt lengths: every series of the same deployment at *other* prompt lengths calibrates the row (the
//   nearest lengths measured, as the library picks them).
import { calibrationFor, calibrationPoint, deploymentKey, type CalibrationPoint } from '../src/calibration.js';
import { metricStats, type ErrorStats, type PreparedCase, type RowResult } from './evaluate.js';

export type Protocol = 'one point' | 'two points' | 'other prompt lengths';
export interface CalibrationStudy {
  protocol: Protocol;
  /** Series (or deployments) that had rows to calibrate. */
  groups: number;
  stats: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
  /** The same rows without calibration, for comparison. */
  uncalibrated: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>;
}

interface Row {
  c: PreparedCase['c'];
  r: RowResult;
  key: string;
  point: CalibrationPoint;
}

function calibrate(target: Row, points: CalibrationPoint[]): RowResult {
  const f = calibrationFor(points, target.c.request, target.key)!;
  const tpot = target.r.predictedTpotMs * f.tpotFactor;
  return { ...target.r, predictedTtftMs: target.r.predictedTtftMs * f.ttftFactor, predictedTpotMs: tpot, predictedTokPerSec: (target.c.request.workload.concurrency * 1000) / tpot };
}

/** `results` are the predictions to calibrate (any hold-out's), matched to their cases by id. */
export function calibrationStudy(cases: PreparedCase[], results: RowResult[]): CalibrationStudy[] {
  const byId = new Map(cases.map((x) => [x.c.id, x.c]));
  const rows: Row[] = results.flatMap((r) => {
    const c = byId.get(r.id);
    if (!c) return [];
    const key = deploymentKey(c.request);
    return [{ c, r, key, point: calibrationPoint(c.request, { ttftMs: r.predictedTtftMs, tpotMs: r.predictedTpotMs }, c) }];
  });
  const group = (k: (x: Row) => string) => {
    const m = new Map<string, Row[]>();
    for (const x of rows) m.set(k(x), [...(m.get(k(x)) ?? []), x]);
    return [...m.values()];
  };
  const series = group((x) => `${x.key} @ ${x.c.request.workload.isl}/${x.c.request.workload.osl}`).map((s) => s.sort((a, b) => a.c.request.workload.concurrency - b.c.request.workload.concurrency));
  const studies: CalibrationStudy[] = [];
  const study = (protocol: Protocol, pairs: [Row, RowResult][], groups: number) =>
    studies.push({ protocol, groups, stats: metricStats(pairs.map(([, r]) => r)), uncalibrated: metricStats(pairs.map(([x]) => x.r)) });

  const one: [Row, RowResult][] = [];
  let oneGroups = 0;
  for (const s of series) {
    const mid = s[Math.floor(s.length / 2)]!;
    const rest = s.filter((x) => x.c.request.workload.concurrency !== mid.c.request.workload.concurrency);
    if (rest.length === 0) continue;
    oneGroups++;
    for (const x of rest) one.push([x, calibrate(x, [mid.point])]);
  }
  study('one point', one, oneGroups);

  const two: [Row, RowResult][] = [];
  let twoGroups = 0;
  for (const s of series) {
    const lo = s[0]!.c.request.workload.concurrency;
    const hi = s[s.length - 1]!.c.request.workload.concurrency;
    const ends = s.filter((x) => x.c.request.workload.concurrency === lo || x.c.request.workload.concurrency === hi);
    const inner = s.filter((x) => x.c.request.workload.concurrency > lo && x.c.request.workload.concurrency < hi);
    if (inner.length === 0) continue;
    twoGroups++;
    for (const x of inner) two.push([x, calibrate(x, ends.map((e) => e.point))]);
  }
  study('two points', two, twoGroups);

  const other: [Row, RowResult][] = [];
  let otherGroups = 0;
  for (const d of group((x) => x.key)) {
    let used = false;
    for (const x of d) {
      const { isl, osl } = x.c.request.workload;
      const points = d.filter((y) => y.c.request.workload.isl !== isl || y.c.request.workload.osl !== osl).map((y) => y.point);
      if (points.length === 0) continue;
      used = true;
      other.push([x, calibrate(x, points)]);
    }
    if (used) otherGroups++;
  }
  study('other prompt lengths', other, otherGroups);
  return studies;
}
