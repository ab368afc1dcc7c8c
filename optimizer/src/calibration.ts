// Calibration: what a deployment measured sets the level of the optimizer's predictions for that deployment; the
// physics keeps the shape. Held out, most of the error is a constant offset per deployment (a model's kernels on
// one engine and GPU), not the shape along the load: with the offset of each series taken from one or two of its
// own measurements, the physics' error on the rest of the series falls to about half (optimizer/README.md,
// "Calibration"). So a measured point moves the predictions of the *same* deployment only — the same model, GPU,
// precision, engine (and release, when named) and layout — and never another layout's: offsets do not carry across layouts (measured: TTFT
// error on other layouts of the same model, GPU and engine got worse, 30.8 → 33.4%).
import { NEWEST_ENGINE_RELEASES } from './correction/default.js';
import { getGpu } from './gpus.js';
import { layout as makeLayout, type Layout } from './layout.js';
import { getModel } from './models.js';
import { resolvePrecision, type Prediction, type PredictRequest } from './perf/predict.js';

/** One measurement as the calibration uses it: where and at which load, and how far the physics was off. */
export interface CalibrationPoint {
  /** The deployment measured (`deploymentKey`): model, GPU, precision, engine and layout. */
  deployment: string;
  isl: number;
  osl: number;
  /** Clients of the predict() request: a replica's, or a disaggregated unit's. */
  concurrency: number;
  /** ln(measured / predicted), predicted by this release of the optimizer without calibration. */
  ttftLog: number;
  tpotLog: number;
  /** Where the point came from (a measurement's id), so results can say what calibrated them. */
  source?: string;
}

/** What calibrating one prediction did: the factors on TTFT and TPOT, and the measurements they came from. */
export interface CalibrationApplied {
  ttftFactor: number;
  tpotFactor: number;
  /** Measurements of this deployment that set the factors. */
  points: number;
  /** TPOT's: measured at the predicted prompt lengths, or at the nearest other ones measured. */
  basis: 'same prompt lengths' | 'other prompt lengths';
  /**
   * TTFT's: only measurements at the predicted input length calibrate it (the same prompt lengths, or the same input
   * length with another output length); none there: TTFT stays as predicted.
   */
  ttftBasis: 'same prompt lengths' | 'same input length' | 'none';
}

const layoutKey = (l: Layout) => `tp${l.tp} pp${l.pp} dp${l.dp} ep${l.ep}`;

/** Names the deployment a predict() request describes (model, GPU, engine and release, precision, layout). */
export function deploymentKey(req: PredictRequest): string {
  const arch = typeof req.model === 'string' ? getModel(req.model) : req.model;
  const gpu = typeof req.gpu === 'string' ? getGpu(req.gpu) : req.gpu;
  const p = resolvePrecision(arch, req.precision);
  // The release is part of the deployment: releases of one engine differ in speed (engine-version.ts). None named
  // means the newest the optimizer knows, as predict() reads it; null (a benchmark row that does not say) stays unnamed.
  const backend = (req.engine?.backend ?? 'vllm').toLowerCase();
  const release = req.engine?.version === undefined ? NEWEST_ENGINE_RELEASES[backend] : req.engine.version;
  const engine = backend + (release ? ` ${release}` : '');
  const parts = [arch.id, gpu.id, engine, `${p.weights}/${p.experts}/${p.kvCache}`, layoutKey(makeLayout(req.layout))];
  if (req.disagg) parts.push(`decode ×${req.disagg.decodeWorkers}`, `prefill ×${req.disagg.prefill.workers} ${layoutKey(makeLayout(req.disagg.prefill.layout))}`);
  return parts.join(' | ');
}

/** The calibration point a measurement of `req`'s deployment gives, against the uncalibrated `predicted`. */
export function calibrationPoint(req: PredictRequest, predicted: Pick<Prediction, 'ttftMs' | 'tpotMs'>, measured: { ttftMs: number; tpotMs: number }, source?: string): CalibrationPoint {
  for (const [name, v] of [['measured TTFT', measured.ttftMs], ['measured TPOT', measured.tpotMs], ['predicted TTFT', predicted.ttftMs], ['predicted TPOT', predicted.tpotMs]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a positive number of ms (got ${v})`);
  }
  const { isl, osl, concurrency } = req.workload;
  return { deployment: deploymentKey(req), isl, osl, concurrency, ttftLog: Math.log(measured.ttftMs / predicted.ttftMs), tpotLog: Math.log(measured.tpotMs / predicted.tpotMs), ...(source ? { source } : {}) };
}

/** Piecewise-linear in ln(concurrency) through the (averaged) points, flat beyond the first and the last. */
function interpolate(points: CalibrationPoint[], concurrency: number, pick: (p: CalibrationPoint) => number): number {
  const byConc = new Map<number, number[]>();
  for (const p of points) byConc.set(p.concurrency, [...(byConc.get(p.concurrency) ?? []), pick(p)]);
  const xs = [...byConc.keys()].sort((a, b) => a - b);
  const ys = xs.map((x) => byConc.get(x)!.reduce((s, v) => s + v, 0) / byConc.get(x)!.length);
  if (concurrency <= xs[0]!) return ys[0]!;
  if (concurrency >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
  let i = 1;
  while (xs[i]! < concurrency) i++;
  const t = (Math.log(concurrency) - Math.log(xs[i - 1]!)) / (Math.log(xs[i]!) - Math.log(xs[i - 1]!));
  return ys[i - 1]! + t * (ys[i]! - ys[i - 1]!);
}

/** The points at the measured prompt lengths nearest to the request's (log distance), or none. */
function nearestLengths(points: CalibrationPoint[], isl: number, osl: number): CalibrationPoint[] {
  if (points.length === 0) return [];
  const distance = (p: CalibrationPoint) => Math.abs(Math.log(p.isl / isl)) + Math.abs(Math.log(p.osl / osl));
  const nearest = points.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  return points.filter((p) => p.isl === nearest.isl && p.osl === nearest.osl);
}

/**
 * The factors `points` give a request: those of its own deployment, interpolated over the clients. TPOT takes the
 * points at the request's prompt lengths, or else at the nearest measured ones. TTFT takes only points at the
 * request's input length: held out, a TTFT offset measured at another input length made the error worse on average
 * (a prompt's prefill and queueing change with its length), where at the same length it helps (optimizer/README.md,
 * "Calibration"). Null when the deployment was never measured.
 */
export function calibrationFor(points: readonly CalibrationPoint[], req: PredictRequest, key: string = deploymentKey(req)): CalibrationApplied | null {
  const own = points.filter((p) => p.deployment === key);
  if (own.length === 0) return null;
  const { isl, osl, concurrency } = req.workload;
  const forTpot = nearestLengths(own, isl, osl);
  const forTtft = nearestLengths(own.filter((p) => p.isl === isl), isl, osl);
  const same = (g: CalibrationPoint[]) => g[0]!.isl === isl && g[0]!.osl === osl;
  return {
    ttftFactor: forTtft.length ? Math.exp(interpolate(forTtft, concurrency, (p) => p.ttftLog)) : 1,
    tpotFactor: Math.exp(interpolate(forTpot, concurrency, (p) => p.tpotLog)),
    points: new Set([...forTpot, ...forTtft]).size,
    basis: same(forTpot) ? 'same prompt lengths' : 'other prompt lengths',
    ttftBasis: forTtft.length === 0 ? 'none' : same(forTtft) ? 'same prompt lengths' : 'same input length',
  };
}

/**
 * The prediction with TTFT and TPOT scaled by the calibration. Throughput follows the requests' lifetimes (a closed
 * loop's clients send the next request when the last one ends); the breakdown keeps every term as predicted and
 * shows the calibration as its own signed term.
 */
export function applyCalibration(p: Prediction, osl: number, c: CalibrationApplied): Prediction {
  const ttftMs = p.ttftMs * c.ttftFactor;
  const tpotMs = p.tpotMs * c.tpotFactor;
  const e2eMs = ttftMs + tpotMs * Math.max(0, osl - 1);
  const stretch = e2eMs > 0 ? p.e2eMs / e2eMs : 1;
  return {
    ...p,
    ttftMs,
    ttftP90Ms: p.ttftP90Ms * c.ttftFactor,
    tpotMs,
    e2eMs,
    outputTokensPerSec: p.outputTokensPerSec * stretch,
    requestsPerSec: p.requestsPerSec * stretch,
    perUserTokensPerSec: tpotMs > 0 ? 1000 / tpotMs : 0,
    breakdown: { ttft: { ...p.breakdown.ttft, calibration: ttftMs - p.ttftMs }, tpot: { ...p.breakdown.tpot, calibration: tpotMs - p.tpotMs } },
    calibration: c,
  };
}

/** predict()'s answer calibrated by whichever of `points` measured its deployment (unchanged when none did). */
export function calibrated(p: Prediction, req: PredictRequest, points: readonly CalibrationPoint[] | undefined): Prediction {
  if (!points || points.length === 0) return p;
  const c = calibrationFor(points, req);
  return c ? applyCalibration(p, req.workload.osl, c) : p;
}
