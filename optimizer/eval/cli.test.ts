import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, prepare } from '../src/perf/predict.js';
import { parseRow, readCsv } from '../src/measured.js';
import { DEFAULT_COEFFICIENTS } from '../src/perf/coefficients.js';
import { apeStats } from './evaluate.js';
import { parseArgs, runEval } from './cli.js';

const header = 'id,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,silicon_ttft_ms,silicon_tpot_ms';
const good = (id: string, ttft: number, tpot: number) => `${id},vllm,meta-llama/Llama-3.1-8B-Instruct,h100_sxm,,agg,1024,128,,,16,1,1,1,1,1,${ttft},${tpot}`;

/** Writes a CSV whose "measurements" are the model's own predictions scaled by known factors. */
function knownCsv(): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opt-eval-'));
  const row = readCsv(`${header}\n${good('x', 1, 1)}\n`)[0]!;
  const parsed = parseRow(row, 0);
  if (!parsed.ok) throw new Error(parsed.reason);
  const p = finish(prepare(parsed.value.request, DEFAULT_COEFFICIENTS.rounds), parsed.value.request);
  // Measured = predicted / 0.9 → |pred − meas| / meas = 10%; predicted / 0.8 → 20%.
  const lines = [header, good('a', p.ttftMs / 0.9, p.tpotMs / 0.9), good('b', p.ttftMs / 0.8, p.tpotMs / 0.8),
    'c,vllm,acme/unknown-model,h100_sxm,,agg,1024,128,,,16,1,1,1,1,1,100,10',
    'd,vllm,meta-llama/Llama-3.1-8B-Instruct,h100_sxm,,disagg,1024,128,,,16,1,1,1,1,1,100,10'];
  const file = join(dir, 'small.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, dir };
}

describe('optimizer:eval', () => {
  it('prints mean and median absolute % error that match hand-computed answers', () => {
    const { file, dir } = knownCsv();
    const out = join(dir, 'pred.csv');
    const r = runEval({ csv: file, out });
    expect(r.results).toHaveLength(2);
    expect(r.text).toMatch(/4 rows: 2 predicted, 2 unsupported/);
    expect(r.text).toMatch(/ttft\s+2\s+15\.0%\s+15\.0%/);
    expect(r.text).toMatch(/tpot\s+2\s+15\.0%\s+15\.0%/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\n')[0]).toContain('measuredTpotMs,predictedTpotMs');
    expect(csv.trim().split('\n')).toHaveLength(3);
  });

  it('counts and lists unsupported rows with their reasons instead of dropping them', () => {
    const { file, dir } = knownCsv();
    const out = join(dir, 'pred.csv');
    const r = runEval({ csv: file, out });
    expect(r.unsupported.map((u) => u.id)).toEqual(['c', 'd']);
    expect(r.text).toMatch(/unknown model "acme\/unknown-model"/);
    expect(r.text).toMatch(/disaggregated/);
    expect(readFileSync(join(dir, 'pred.unsupported.csv'), 'utf8')).toMatch(/^c,/m);
  });

  it('scores the physics alone with --no-correction, and says which it scored', () => {
    const { file } = knownCsv();
    const withCorrection = runEval({ csv: file });
    const physics = runEval({ csv: file, noCorrection: true });
    expect(withCorrection.text).toMatch(/learned correction/);
    expect(physics.text).toMatch(/physics only/);
    // The CSV's "measurements" are the corrected predictions / 0.9 and / 0.8, so only the physics misses differently.
    expect(physics.results[0]!.predictedTpotMs).not.toBeCloseTo(withCorrection.results[0]!.predictedTpotMs, 3);
  });

  it('rejects a CSV without the measured columns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opt-eval-'));
    writeFileSync(join(dir, 'bad.csv'), 'model_path,system\nx,y\n');
    expect(() => runEval({ csv: join(dir, 'bad.csv') })).toThrow(/lacks required column/);
  });

  it('parses its arguments and refuses unknown ones', () => {
    expect(parseArgs(['--csv', 'a.csv', '--holdout', 'gpu'])).toEqual({ csv: 'a.csv', holdout: 'gpu' });
    expect(() => parseArgs(['--holdout', 'backend', '--csv', 'a'])).toThrow(/model or gpu/);
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(parseArgs(['--csv', 'a.csv', '--holdout', 'model', '--no-correction'])).toEqual({ csv: 'a.csv', holdout: 'model', noCorrection: true });
  });

  it('computes the median of an even number of errors as the mean of the middle two', () => {
    expect(apeStats([[110, 100], [80, 100], [100, 100], [130, 100]]).medianApe).toBeCloseTo(15, 9);
  });
});

/** A Llama-3.1-8B row on vLLM and H100s at this load and tensor-parallel size, measured as given. */
interface Load {
  isl: number;
  osl: number;
  conc: number;
  tp?: number;
}
const loadRow = (id: string, w: Load, ttft: number, tpot: number) => `${id},vllm,meta-llama/Llama-3.1-8B-Instruct,h100_sxm,,agg,${w.isl},${w.osl},,,${w.conc},${w.tp ?? 1},1,1,1,1,${ttft},${tpot}`;

/** What the physics alone (no learned correction) predicts for such a row. */
function physics(w: Load) {
  const parsed = parseRow(readCsv(`${header}\n${loadRow('x', w, 1, 1)}\n`)[0]!, 0);
  if (!parsed.ok) throw new Error(parsed.reason);
  return finish(prepare(parsed.value.request, DEFAULT_COEFFICIENTS.rounds), parsed.value.request, DEFAULT_COEFFICIENTS, null);
}

describe('optimizer:eval --calibrate', () => {
  it('scores each protocol on rows that did not calibrate themselves, beside the same rows uncalibrated', () => {
    // One deployment at three pairs of prompt lengths and three client counts, every row measured 1.25× slower than
    // the physics predicts: uncalibrated, each row is off by |1 − 1.25| / 1.25 = 20%; calibrated, by 0% — except TTFT
    // from other prompt lengths at 2,048 input tokens, which no other series measured, so it stays as predicted.
    const lines = [header];
    for (const [isl, osl] of [[1024, 128], [1024, 512], [2048, 128]] as const) {
      for (const conc of [4, 16, 64]) {
        const p = physics({ isl, osl, conc });
        lines.push(loadRow(`r${isl}-${osl}-${conc}`, { isl, osl, conc }, p.ttftMs * 1.25, p.tpotMs * 1.25));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'opt-eval-'));
    writeFileSync(join(dir, 'cal.csv'), lines.join('\n') + '\n');
    const r = runEval({ csv: join(dir, 'cal.csv'), noCorrection: true, calibrate: true });
    const block = (title: RegExp) => r.text.slice(r.text.search(title));
    // one point: the middle of each series (16 clients) calibrates 4 and 64; two points: 4 and 64 calibrate 16.
    expect(block(/one point \(3 series\)/)).toMatch(/^one point \(3 series\): calibrated\n.*\n {2}ttft\s+6\s+0\.0%\s+0\.0%[^]*?uncalibrated\n.*\n {2}ttft\s+6\s+20\.0%/);
    expect(block(/two points \(3 series\)/)).toMatch(/ttft\s+3\s+0\.0%\s+0\.0%\s+0\.0%\n {2}tpot\s+3\s+0\.0%/);
    // Other prompt lengths: TPOT of all 9 rows from the nearest other series; TTFT of the 6 rows at 1,024 input tokens
    // from the other series at 1,024, the 3 at 2,048 as predicted (mean 3 × 20% / 9, median 0%, p90 20%).
    expect(block(/other prompt lengths \(1 deployments\)/)).toMatch(/ttft\s+9\s+6\.7%\s+0\.0%\s+20\.0%\n {2}tpot\s+9\s+0\.0%\s+0\.0%\s+0\.0%/);
  });

  it('parses the flag', () => {
    expect(parseArgs(['--csv', 'a.csv', '--calibrate'])).toEqual({ csv: 'a.csv', calibrate: true });
  });
});

describe('optimizer:eval --levels', () => {
  it('removes each grouping\'s own median level: two layouts off in opposite directions share one model-level floor and have none per deployment', () => {
    // TP 1 measured 1.25× the physics, TP 2 0.8×; 1.25 × 0.8 = 1, so every grouping coarser than the deployment finds
    // a level of 1 and leaves TP 1 rows 20% off and TP 2 rows 25% off (median of six each: 22.5%); per deployment, 0%.
    const lines = [header];
    for (const [tp, factor] of [[1, 1.25], [2, 0.8]] as const) {
      for (const isl of [1024, 4096]) {
        for (const conc of [4, 16, 64]) {
          const p = physics({ tp, isl, osl: 128, conc });
          lines.push(loadRow(`tp${tp}-${isl}-${conc}`, { tp, isl, osl: 128, conc }, p.ttftMs * factor, p.tpotMs * factor));
        }
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'opt-eval-'));
    writeFileSync(join(dir, 'levels.csv'), lines.join('\n') + '\n');
    const text = runEval({ csv: join(dir, 'levels.csv'), noCorrection: true, levels: true }).text;
    const line = (grouping: string) => text.split('\n').find((l) => l.trimStart().startsWith(grouping)) ?? '';
    for (const coarse of ['all rows', 'model ', 'model × GPU ', 'model × GPU × engine ', 'model × GPU × engine release']) {
      expect(line(coarse)).toMatch(/\s1\s+22\.5% \(22\.5%\) \/ 22\.5% \(22\.5%\)/);
    }
    expect(line('deployment')).toMatch(/\s2\s+0\.0% \(0\.0%\) \/ 0\.0% \(0\.0%\)/);
    expect(line('series')).toMatch(/\s4\s+0\.0% \(0\.0%\) \/ 0\.0% \(0\.0%\)/);
  });

  it('parses the flag', () => {
    expect(parseArgs(['--csv', 'a.csv', '--levels'])).toEqual({ csv: 'a.csv', levels: true });
  });
});

describe('optimizer:eval --levels: what is left inside each group', () => {
  it('finds a trend by client count inside each series, and none by prompt length or TP once each series\' level is removed', () => {
    // Two deployments × two prompt lengths × clients 4, 16, 64, every row at the physics except the 64-client rows at
    // 1.5×. Less the level of the other two rows of its series, a 64-client row reads +50%; a 4- or 16-client row
    // reads the mean of 0 and log 1.5 below zero, −18.4%. Each series' own level is 0, so nothing is left by prompt
    // length or by TP.
    const lines = [header];
    for (const tp of [1, 2]) {
      for (const isl of [1024, 4096]) {
        for (const conc of [4, 16, 64]) {
          const p = physics({ tp, isl, osl: 128, conc });
          const factor = conc === 64 ? 1.5 : 1;
          lines.push(loadRow(`tp${tp}-${isl}-${conc}`, { tp, isl, osl: 128, conc }, p.ttftMs * factor, p.tpotMs * factor));
        }
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'opt-eval-'));
    writeFileSync(join(dir, 'trends.csv'), lines.join('\n') + '\n');
    const text = runEval({ csv: join(dir, 'trends.csv'), noCorrection: true, levels: true }).text;
    const band = (label: string) => text.split('\n').filter((l) => l.trimStart().startsWith(label + ' '));
    expect(band('2–4')).toEqual([expect.stringMatching(/\s4\s+−18\.4% \/\s+−18\.4% \/\s+\+22\.5%$/)]);
    expect(band('5–16')).toEqual([expect.stringMatching(/\s4\s+−18\.4% \/\s+−18\.4%/)]);
    expect(band('17–64')).toEqual([expect.stringMatching(/\s4\s+\+50\.0% \/\s+\+50\.0% \/\s+−33\.3%$/)]);
    expect(band('257–1024')).toEqual([expect.stringMatching(/\s2\s+\+0\.0% \/\s+\+0\.0%/)]);
    expect(band('1025–4096')).toEqual([expect.stringMatching(/\s2\s+\+0\.0% \/\s+\+0\.0%/)]);
    expect(band('TP 1')).toEqual([expect.stringMatching(/\s1\s+\+0\.0% \/\s+\+0\.0%/)]);
    expect(band('TP 2')).toEqual([expect.stringMatching(/\s1\s+\+0\.0% \/\s+\+0\.0%/)]);
  });
});

describe('requests per client', () => {
  it('predict() uses the per-engine count the fit chose, and an old file without it falls back to `rounds`', () => {
    const row = readCsv(`${header}\n${good('x', 1, 1)}\n`)[0]!;
    const parsed = parseRow(row, 0);
    if (!parsed.ok) throw new Error(parsed.reason);
    const req = parsed.value.request;
    const { roundsByBackend: _drop, ...old } = DEFAULT_COEFFICIENTS;
    const asOld = finish(prepare(req, 1), req, { ...old, rounds: 2 });
    const explicit = finish(prepare(req, 2), { ...req, engine: { ...req.engine, rounds: 2 } }, old);
    expect(asOld.ttftMs).toBeCloseTo(explicit.ttftMs, 9);
    const perEngine = { ...old, rounds: 2, roundsByBackend: { vllm: 8 } };
    const eight = finish(prepare(req, 8), { ...req, engine: { ...req.engine, rounds: 8 } }, old);
    expect(finish(prepare(req, 1), req, perEngine).ttftMs).toBeCloseTo(eight.ttftMs, 9);
  });
});
