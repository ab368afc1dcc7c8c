/**
 * The "measured vs predicted" form of a run: what one replica of a deployed plan measured, checked in the window
 * with the limits the core's schema applies (optimizer:measure), and how far the prediction was off.
 */
import type { ChannelInput } from '../../../main/core/channels';
import type { OptimizerMeasurement } from '../../../main/core/optimizer/measurements';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { layoutLabel, planKey } from './format';

type Num = number | '';

export interface MeasureForm {
  /** planKey of the measured plan. */
  plan: string | null;
  concurrency: Num;
  isl: Num;
  osl: Num;
  ttftMs: Num;
  tpotMs: Num;
  /** Output tokens/s of the replica; optional. */
  tokensPerSec: Num;
  note: string;
}

export type MeasureInput = ChannelInput<'optimizer:measure'>;
type Plan = OptimizerRun['result']['plans'][number];

/** The recommended plan at its own load and the run's prompt lengths: what a deployment of it would be benchmarked at. */
export function defaultMeasureForm(run: OptimizerRun): MeasureForm {
  const r = run.result.recommended;
  return { plan: r ? planKey(r) : null, concurrency: r?.maxConcurrency ?? '', isl: run.request.workload.isl, osl: run.request.workload.osl, ttftMs: '', tpotMs: '', tokensPerSec: '', note: '' };
}

export const planOptionLabel = (p: Plan): string => `${p.cluster} · ${p.gpu} · ${layoutLabel(p)} · ${p.maxConcurrency} seqs`;

function positive(v: Num, what: string, max: number, whole = false): string | undefined {
  if (v === '') return `Enter ${what}`;
  if (!(v > 0)) return 'Above 0';
  if (whole && !Number.isInteger(v)) return 'A whole number';
  return v > max ? `At most ${max.toLocaleString('en-US')}` : undefined;
}

/** Errors by field; empty when the form can be recorded. */
export function validateMeasure(f: MeasureForm, run: OptimizerRun): Record<string, string> {
  const e: Record<string, string> = {};
  const set = (k: string, m: string | undefined) => m && (e[k] = m);
  if (!f.plan || !run.result.plans.some((p) => planKey(p) === f.plan)) e.plan = 'Choose the deployed plan';
  set('concurrency', positive(f.concurrency, 'the clients per replica', 65_536, true));
  set('isl', positive(f.isl, 'input tokens', 1_048_576, true));
  set('osl', positive(f.osl, 'output tokens', 262_144, true));
  set('ttftMs', positive(f.ttftMs, 'the measured TTFT', 3_600_000));
  set('tpotMs', positive(f.tpotMs, 'the measured TPOT', 600_000));
  if (f.tokensPerSec !== '') set('tokensPerSec', positive(f.tokensPerSec, '', 1e9));
  if (f.note.length > 200) e.note = 'At most 200 characters';
  return e;
}

/** The channel input for a valid form. */
export function toMeasureInput(f: MeasureForm, run: OptimizerRun): MeasureInput {
  return {
    runId: run.id,
    planIndex: run.result.plans.findIndex((p) => planKey(p) === f.plan),
    concurrency: Number(f.concurrency),
    isl: Number(f.isl),
    osl: Number(f.osl),
    ttftMs: Number(f.ttftMs),
    tpotMs: Number(f.tpotMs),
    ...(f.tokensPerSec === '' ? {} : { outputTokensPerSec: Number(f.tokensPerSec) }),
    ...(f.note.trim() ? { note: f.note.trim() } : {}),
  };
}

/** "+12%" / "−8%": signed, the way the table shows an error. */
export function formatError(pct: number | null): string {
  if (pct === null) return '–';
  const r = Math.round(pct);
  return r === 0 ? '0%' : `${r > 0 ? '+' : '−'}${Math.abs(r)}%`;
}

/** Within the optimizer's usual error on held-out models (its p90), or beyond it. */
export function errorTone(pct: number | null, heldOutP90: number | undefined): 'ok' | 'far' | 'none' {
  if (pct === null) return 'none';
  return heldOutP90 !== undefined && Math.abs(pct) > heldOutP90 ? 'far' : 'ok';
}

export type { OptimizerMeasurement };

export interface MeasuredSummary {
  count: number;
  /** Median absolute error per metric over the measurements that have it; null when none has it. */
  ttft: number;
  tpot: number;
  throughput: number | null;
}

const medianAbs = (xs: number[]): number => {
  const s = xs.map(Math.abs).sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** How far the optimizer has been off for this run's deployments, next to its held-out figures. */
export function summarize(list: readonly OptimizerMeasurement[]): MeasuredSummary | null {
  if (list.length === 0) return null;
  const tput = list.map((m) => m.errorPct.throughput).filter((x): x is number => x !== null);
  return { count: list.length, ttft: medianAbs(list.map((m) => m.errorPct.ttft)), tpot: medianAbs(list.map((m) => m.errorPct.tpot)), throughput: tput.length ? medianAbs(tput) : null };
}
