// `npm run optimizer:eval -- --csv FILE [--out predictions.csv] [--holdout model|gpu] [--coefficients FILE] [--no-correction] [--calibrate] [--levels]`
// Scores the optimizer on anyone's benchmark export (columns of optimizer/data/measured-ttft-tpot.csv).
import { readFileSync, writeFileSync } from 'node:fs';
import { readCsv } from '../src/measured.js';
import { DEFAULT_COEFFICIENTS, parseCoefficients } from '../src/perf/coefficients.js';
import { metricStats, predictCases, prepareRows, type ErrorStats, type RowResult } from './evaluate.js';
import { calibrationStudy } from './calibrate.js';
import { levelStudy, type LevelFloor } from './levels.js';
import { trendStudy, type Trend } from './trends.js';
import { holdout, type HoldoutBy } from './holdout.js';

export interface CliOptions {
  csv: string;
  out?: string;
  holdout?: HoldoutBy;
  coefficients?: string;
  /** Physics only: no learned correction (hold-out then needs no Python). */
  noCorrection?: boolean;
  /** Also score the predictions once measurements of the same deployment calibrate them (eval/calibrate.ts). */
  calibrate?: boolean;
  /** Also print how far each grouping's own level, known exactly, would take the error (eval/levels.ts). */
  levels?: boolean;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: Partial<CliOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${a} needs a value`);
      return next;
    };
    if (a === '--csv') o.csv = v();
    else if (a === '--out') o.out = v();
    else if (a === '--coefficients') o.coefficients = v();
    else if (a === '--no-correction') o.noCorrection = true;
    else if (a === '--calibrate') o.calibrate = true;
    else if (a === '--levels') o.levels = true;
    else if (a === '--holdout') {
      const h = v();
      if (h !== 'model' && h !== 'gpu') throw new Error(`--holdout must be model or gpu, got ${h}`);
      o.holdout = h;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!o.csv) throw new Error('usage: optimizer:eval -- --csv FILE [--out predictions.csv] [--holdout model|gpu] [--coefficients FILE] [--no-correction] [--calibrate] [--levels]');
  return o as CliOptions;
}

const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)}%` : 'n/a');

export function formatStats(title: string, s: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>): string {
  const lines = [`${title}`, `  metric      rows   mean APE  median APE  p90 APE`];
  for (const [k, v] of Object.entries(s)) lines.push(`  ${k.padEnd(10)} ${String(v.n).padStart(5)}  ${pct(v.meanApe).padStart(9)}  ${pct(v.medianApe).padStart(10)}  ${pct(v.p90Ape).padStart(7)}`);
  return lines.join('\n');
}

function toCsv(rows: RowResult[]): string {
  const cols = Object.keys(rows[0] ?? { id: '' }) as (keyof RowResult)[];
  const esc = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

export function formatLevels(title: string, floors: LevelFloor[]): string {
  const lines = [title, `  ${'each group\'s median level removed'.padEnd(38)} groups  median APE (mean) TTFT / TPOT / throughput`];
  for (const f of floors) {
    const m = (s: ErrorStats) => `${pct(s.medianApe)} (${pct(s.meanApe)})`;
    lines.push(`  ${f.grouping.padEnd(38)} ${String(f.groups).padStart(6)}  ${m(f.stats.ttft)} / ${m(f.stats.tpot)} / ${m(f.stats.throughput)}`);
  }
  return lines.join('\n');
}

export function formatTrends(title: string, trends: Trend[]): string {
  const signed = (log: number) => { const p = (Math.exp(log) - 1) * 100; return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(1)}%`.padStart(7); };
  const lines = [title];
  for (const t of trends) {
    lines.push(`  ${t.view}: ${'rows'.padStart(6)}  median measured / predicted − 1, TTFT / TPOT / throughput`);
    for (const b of t.bands) lines.push(`    ${b.band.padEnd(16)} ${String(b.n).padStart(6)}  ${signed(b.medianLog.ttft)} / ${signed(b.medianLog.tpot)} / ${signed(b.medianLog.throughput)}`);
  }
  return lines.join('\n');
}

/** Runs the evaluation and returns what it prints (the CLI entry prints it; tests read it). */
export function runEval(o: CliOptions): { text: string; results: RowResult[]; unsupported: { id: string; reason: string }[] } {
  const coeffs = o.coefficients ? parseCoefficients(JSON.parse(readFileSync(o.coefficients, 'utf8')), o.coefficients) : DEFAULT_COEFFICIENTS;
  const rows = readCsv(readFileSync(o.csv, 'utf8'));
  const split = prepareRows(rows, coeffs.rounds);
  const out: string[] = [`${rows.length} rows: ${split.cases.length} predicted, ${split.unsupported.length} unsupported`];
  let results: RowResult[];
  if (o.holdout) {
    const h = holdout(split.cases, o.holdout, { correction: !o.noCorrection });
    results = h.results;
    if (!o.noCorrection) out.push(formatStats(`leave-one-${o.holdout}-out, physics + learned correction (both refit without the group)`, h.fitted));
    out.push(formatStats(`leave-one-${o.holdout}-out, physics only (coefficients refit without the group)`, h.physics));
    out.push(formatStats('roofline-only baseline (datasheet peaks, no scheduler, nothing fitted)', h.roofline));
    out.push(`per held-out ${o.holdout} (median APE): ` + h.groups.map((g) => `${g.group} [${g.rows}] TTFT ${pct(g.stats.ttft.medianApe)} TPOT ${pct(g.stats.tpot.medianApe)}`).join('; '));
  } else {
    // A --coefficients file gets no correction: the shipped one was trained on the shipped coefficients' residuals.
    results = predictCases(split.cases, coeffs, o.noCorrection || o.coefficients ? null : undefined);
    out.push(formatStats(o.noCorrection || o.coefficients ? 'coefficients, physics only' : 'shipped coefficients + learned correction', metricStats(results)));
  }
  if (o.calibrate) {
    const what = o.holdout ? `the leave-one-${o.holdout}-out predictions above${o.noCorrection ? '' : ' (physics + correction)'}` : 'the predictions above';
    out.push(`calibrated with measurements of the same deployment (${what}); each scores rows that did not calibrate themselves`);
    for (const s of calibrationStudy(split.cases, results)) {
      out.push(formatStats(`  ${s.protocol} (${s.groups} ${s.protocol === 'other prompt lengths' ? 'deployments' : 'series'}): calibrated`, s.stats));
      out.push(formatStats(`  the same rows uncalibrated`, s.uncalibrated));
    }
  }
  if (o.levels) {
    const what = o.holdout ? `the leave-one-${o.holdout}-out predictions above${o.noCorrection ? '' : ' (physics + correction)'}` : 'the predictions above';
    out.push(formatLevels(`levels of ${what}, read from the rows they score (an oracle: a floor, not a prediction)`, levelStudy(split.cases, results)));
    out.push(formatTrends('what is left inside each group once its level is removed, by the input a model could learn from (a band near 0 holds nothing to learn)', trendStudy(split.cases, results)));
  }
  if (split.unsupported.length) {
    const reasons = new Map<string, number>();
    for (const u of split.unsupported) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
    out.push(`unsupported rows by reason:\n` + [...reasons].map(([r, n]) => `  ${String(n).padStart(5)}  ${r}`).join('\n'));
  }
  if (o.out) {
    writeFileSync(o.out, toCsv(results));
    const unsupportedFile = o.out.replace(/(\.csv)?$/, '.unsupported.csv');
    writeFileSync(unsupportedFile, 'id,reason\n' + split.unsupported.map((u) => `${u.id},"${u.reason.replace(/"/g, '""')}"`).join('\n') + '\n');
    out.push(`row-by-row predictions → ${o.out}; unsupported rows → ${unsupportedFile}`);
  }
  return { text: out.join('\n'), results, unsupported: split.unsupported };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  try {
    console.log(runEval(parseArgs(process.argv.slice(2))).text);
  } catch (e) {
    console.error(`optimizer:eval: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
