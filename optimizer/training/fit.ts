// `npm run optimizer:train`: refits optimizer/data/coefficients.json from the measured CSV(s).
// Usage: tsx optimizer/training/fit.ts [--csv FILE]... [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricStats, predictCases, prepareRows } from '../eval/evaluate.js';
import { DEFAULT_ROUNDS, fitCases } from '../src/fit/train.js';
import { readCsv, type Row } from '../src/measured.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const csvs: string[] = [];
let out = join(here, '../data/coefficients.json');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--csv') csvs.push(args[++i]!);
  else if (args[i] === '--out') out = args[++i]!;
  else throw new Error(`unknown argument ${args[i]}`);
}
if (csvs.length === 0) csvs.push(join(here, '../data/measured-ttft-tpot.csv'));

const rows: Row[] = csvs.flatMap((f) => readCsv(readFileSync(f, 'utf8')));
const split = prepareRows(rows, DEFAULT_ROUNDS);
const sources = csvs.map((f) => relative(process.cwd(), f)).join(', ');
const coeffs = fitCases(split.cases, `${sources} (NVIDIA AIConfigurator silicon_sample.csv subset, Apache-2.0)`);
const stats = metricStats(predictCases(split.cases, coeffs));
const trainingError = Object.fromEntries(Object.entries(stats).map(([k, v]) => [`${k}MedianApe`, Math.round(v.medianApe * 10) / 10]));
const json = {
  $comment: 'Written by npm run optimizer:train (optimizer/training/fit.ts). Step time = Σ coefficient × feature (optimizer/src/perf/features.ts). Fitted on measured data from NVIDIA AIConfigurator (github.com/ai-dynamo/aiconfigurator, silicon_sample.csv @095f58a, Apache License 2.0).',
  ...coeffs,
  trainingError,
};
writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
console.log(`fitted on ${split.cases.length} rows (${split.unsupported.length} unsupported) → ${relative(process.cwd(), out)}`);
console.log(`in-sample median APE: TTFT ${trainingError.ttftMedianApe}%  TPOT ${trainingError.tpotMedianApe}%  throughput ${trainingError.throughputMedianApe}%`);
