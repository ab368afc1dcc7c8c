// Writes optimizer/data/accuracy.json: the library's own measured error on models and GPUs left out of fitting
// (leave-one-out, coefficients and correction refit per fold), so the app can say how far to trust a plan.
// Run by `npm run optimizer:train` after the fit. Usage: tsx optimizer/training/accuracy.ts [--csv FILE]... [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrationStudy } from '../eval/calibrate.js';
import { prepareRows, type ErrorStats } from '../eval/evaluate.js';
import { holdout } from '../eval/holdout.js';
import { DEFAULT_ROUNDS } from '../src/fit/train.js';
import { readCsv } from '../src/measured.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const csvs: string[] = [];
let out = join(here, '../data/accuracy.json');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--csv') csvs.push(args[++i]!);
  else if (args[i] === '--out') out = args[++i]!;
  else throw new Error(`unknown argument ${args[i]}`);
}
if (csvs.length === 0) csvs.push(join(here, '../data/measured-ttft-tpot.csv'));

const split = prepareRows(csvs.flatMap((f) => readCsv(readFileSync(f, 'utf8'))), DEFAULT_ROUNDS);
const round = (s: ErrorStats) => ({ medianApe: Math.round(s.medianApe * 10) / 10, meanApe: Math.round(s.meanApe * 10) / 10, p90Ape: Math.round(s.p90Ape * 10) / 10 });
const stats = (r: Record<'ttft' | 'tpot' | 'throughput', ErrorStats>) => ({ ttft: round(r.ttft), tpot: round(r.tpot), throughput: round(r.throughput) });
const byModel = holdout(split.cases, 'model', { correction: true });
const byGpu = holdout(split.cases, 'gpu', { correction: true });
const study = new Map(calibrationStudy(split.cases, byModel.results).map((s) => [s.protocol, stats(s.stats)]));
const json = {
  $comment: 'Written by npm run optimizer:train (optimizer/training/accuracy.ts): absolute % error of predictions for models and GPUs left out of fitting (coefficients and learned correction refit per fold); calibrated: the held-out-model predictions calibrated by measurements of the same deployment (eval/calibrate.ts). Data: NVIDIA AIConfigurator silicon_sample.csv subset, Apache License 2.0.',
  rows: split.cases.length,
  unsupportedRows: split.unsupported.length,
  heldOutModel: stats(byModel.fitted),
  heldOutGpu: stats(byGpu.fitted),
  models: byModel.groups.length,
  gpus: byGpu.groups.length,
  calibrated: { onePoint: study.get('one point')!, twoPoints: study.get('two points')!, otherPromptLengths: study.get('other prompt lengths')! },
};
writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
console.log(`held-out accuracy → ${relative(process.cwd(), out)}: model-out median TTFT ${json.heldOutModel.ttft.medianApe}% TPOT ${json.heldOutModel.tpot.medianApe}%, GPU-out TTFT ${json.heldOutGpu.ttft.medianApe}% TPOT ${json.heldOutGpu.tpot.medianApe}%`);
