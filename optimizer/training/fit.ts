// `npm run optimizer:train`: refits optimizer/data/coefficients.json from the measured CSV(s), then trains the
// learned correction on their residuals (xgboost, correction.py) into optimizer/data/correction.json, with
// xgboost's own margins for a sample of rows in correction-parity.json (the TypeScript evaluator's parity test).
// Usage: tsx optimizer/training/fit.ts [--csv FILE]... [--out FILE] [--correction-out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricStats, predictCases, prepareRows } from '../eval/evaluate.js';
import { DEFAULT_ROUNDS, fitCases } from '../src/fit/train.js';
import { readCsv, type Row } from '../src/measured.js';
import { correctionRow, trainCorrections } from './correction-train.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const csvs: string[] = [];
let out = join(here, '../data/coefficients.json');
let correctionOut = join(here, '../data/correction.json');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--csv') csvs.push(args[++i]!);
  else if (args[i] === '--out') out = args[++i]!;
  else if (args[i] === '--correction-out') correctionOut = args[++i]!;
  else throw new Error(`unknown argument ${args[i]}`);
}
if (csvs.length === 0) csvs.push(join(here, '../data/measured-ttft-tpot.csv'));

const rows: Row[] = csvs.flatMap((f) => readCsv(readFileSync(f, 'utf8')));
const split = prepareRows(rows, DEFAULT_ROUNDS);
const sources = csvs.map((f) => relative(process.cwd(), f)).join(', ');
const coeffs = fitCases(split.cases, `${sources} (NVIDIA AIConfigurator silicon_sample.csv subset, Apache-2.0)`);
// Parity sample: every 25th row, so all engines, models and GPUs are in it.
const parityRows = split.cases.filter((_, i) => i % 25 === 0).map((x) => correctionRow(x, coeffs).f);
const [trained] = trainCorrections([{ name: 'shipped', cases: split.cases, coeffs, parity: parityRows }]);
const correction = trained!.correction;
const stats = metricStats(predictCases(split.cases, coeffs, correction));
const trainingError = Object.fromEntries(Object.entries(stats).map(([k, v]) => [`${k}MedianApe`, Math.round(v.medianApe * 10) / 10]));
const json = {
  $comment: 'Written by npm run optimizer:train (optimizer/training/fit.ts). Step time = Σ coefficient × feature (optimizer/src/perf/features.ts). Fitted on measured data from NVIDIA AIConfigurator (github.com/ai-dynamo/aiconfigurator, silicon_sample.csv @095f58a, Apache License 2.0).',
  ...coeffs,
  trainingError,
};
writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
const correctionJson = {
  $comment: 'Written by npm run optimizer:train (optimizer/training/correction.py, xgboost): log(measured / physics) for TTFT and TPOT as tree ensembles over optimizer/src/correction/features.ts, evaluated by optimizer/src/correction/model.ts. Trained on the residuals of coefficients.json on data from NVIDIA AIConfigurator (Apache License 2.0).',
  ...correction,
};
writeFileSync(correctionOut, JSON.stringify(correctionJson) + '\n');
writeFileSync(correctionOut.replace(/\.json$/, '-parity.json'), JSON.stringify({ $comment: 'xgboost margins (output_margin=True) of the shipped correction for sample feature rows; the TypeScript evaluator must agree to 1e-4.', ...trained!.parity }) + '\n');
console.log(`fitted on ${split.cases.length} rows (${split.unsupported.length} unsupported) → ${relative(process.cwd(), out)}, ${relative(process.cwd(), correctionOut)}`);
console.log(`in-sample median APE: TTFT ${trainingError.ttftMedianApe}%  TPOT ${trainingError.tpotMedianApe}%  throughput ${trainingError.throughputMedianApe}%`);
