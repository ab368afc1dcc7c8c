// Reads benchmark exports with the columns of optimizer/data/measured-ttft-tpot.csv (AIConfigurator's
// silicon_sample format) and turns each row into a PredictRequest, or says why it cannot be predicted.
import { parse } from 'csv-parse/sync';
import { findGpu } from './gpus.js';
import { findModel, nameQuantization } from './models.js';
import { namedParallelism, readLayout, siliconConcurrency } from './measured-layout.js';
import type { PredictRequest } from './perf/predict.js';
import { parseDtype } from './quant.js';

export type Row = Record<string, string>;

export interface MeasuredCase {
  id: string;
  row: Row;
  request: PredictRequest;
  modelId: string;
  gpuId: string;
  backend: string;
  ttftMs: number;
  tpotMs: number;
  /** Notes on columns the parser had to reinterpret (attention DP written as tp_size). */
  notes: string[];
}

export type Parsed = { ok: true; value: MeasuredCase } | { ok: false; id: string; reason: string };

export const REQUIRED_COLUMNS = ['model_path', 'system', 'backend', 'mode', 'isl', 'osl', 'batch_size', 'tp_size', 'silicon_ttft_ms', 'silicon_tpot_ms'] as const;

export function readCsv(text: string): Row[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Row[];
  if (rows.length > 0) {
    const missing = REQUIRED_COLUMNS.filter((c) => !(c in rows[0]!));
    if (missing.length) throw new Error(`CSV lacks required column(s): ${missing.join(', ')}`);
  }
  return rows;
}

const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? NaN : Number(s));
const posInt = (s: string | undefined, fallback: number) => {
  const n = num(s);
  return Number.isFinite(n) && n >= 1 ? Math.round(n) : fallback;
};

export function parseRow(row: Row, index: number): Parsed {
  const id = row.id && row.id.trim() ? row.id : `row ${index + 1}`;
  const fail = (reason: string): Parsed => ({ ok: false, id, reason });
  const model = findModel(row.model_path ?? '');
  if (!model) return fail(`unknown model "${row.model_path}" (add it to optimizer/data/models.json)`);
  const gpu = findGpu(row.system ?? '');
  if (!gpu) return fail(`unknown GPU system "${row.system}" (add it to resources/gpus/catalog.json)`);
  const mode = (row.mode ?? 'agg').trim() || 'agg';
  if (mode !== 'agg' && mode !== 'disagg') return fail(`mode "${row.mode}": only agg and disagg are modelled`);
  const ttftMs = num(row.silicon_ttft_ms);
  const tpotMs = num(row.silicon_tpot_ms);
  if (!(ttftMs > 0) || !(tpotMs > 0)) return fail('missing or non-positive silicon_ttft_ms / silicon_tpot_ms');
  const isl = num(row.isl);
  const osl = num(row.osl);
  // Without a precision column, a re-upload's name says it ("…-FP8", "…-NVFP4"), else the checkpoint's own dtype.
  const unlabelled = nameQuantization(row.model_path ?? '') ?? (model.dtype === 'fp8' ? 'fp8' : 'bf16');
  const weights = parseDtype(row.gemm_quant_mode) ?? parseDtype(row.precision) ?? (row.precision ? undefined : unlabelled);
  if (!weights) return fail(`unknown precision "${row.precision}"`);
  const experts = parseDtype(row.moe_quant_mode) ?? weights;
  const silicon = siliconConcurrency(row.silicon_data_source, row.id);
  const notes: string[] = [];
  const engine = { maxNumSeqs: 1024, maxNumBatchedTokens: 8192, backend: (row.backend ?? '').toLowerCase() || undefined, version: row.backend_version || null };
  const base = { id, row, modelId: model.id, gpuId: gpu.id, backend: row.backend ?? '', ttftMs, tpotMs, notes };
  const columns = (prefix: '' | 'prefill_' | 'decode_') => ({
    tp: posInt(row[`${prefix}tp_size`], 1),
    dp: posInt(row[`${prefix}attention_dp_size`], 1),
    pp: posInt(row[`${prefix}pp_size`], 1),
    ep: posInt(row[`${prefix}moe_ep_size`], 1),
    heads: model.heads,
    moe: model.moe !== undefined,
  });
  const check = (l: { tp: number }, what: string) => (model.heads % l.tp !== 0 ? `${what}tp_size ${l.tp} does not divide ${model.heads} heads` : null);

  if (mode === 'disagg') {
    const concurrency = silicon ?? num(row.batch_size);
    if (!(isl >= 1 && osl >= 2 && concurrency >= 1)) return fail(`needs isl ≥ 1, osl ≥ 2 and a concurrency (silicon_concurrency or batch_size) ≥ 1 (got ${row.isl}, ${row.osl}, ${concurrency})`);
    // Without the worker counts the load on one worker is unknown (a run at 8,192 clients may have had one decode
    // worker or nine): guessing would put made-up numbers into the fit, so such rows are listed, not predicted.
    if (!(num(row.prefill_num_workers) >= 1 && num(row.decode_num_workers) >= 1)) return fail('disaggregated row without prefill_num_workers / decode_num_workers: the load per worker is unknown');
    const prefillWorkers = posInt(row.prefill_num_workers, 1);
    const decodeWorkers = posInt(row.decode_num_workers, 1);
    const prefill = readLayout({ ...columns('prefill_') });
    const decodeBatch = num(row.decode_batch_size);
    const decode = readLayout({ ...columns('decode_'), concurrency, batch: decodeBatch >= 1 ? decodeBatch : undefined, workers: decodeWorkers });
    for (const [r, what] of [[prefill, 'prefill '], [decode, 'decode ']] as const) {
      if (r.reinterpreted) notes.push(what + r.reinterpreted);
      const bad = check(r.layout, what);
      if (bad) return fail(bad);
    }

    return {
      ok: true,
      value: {
        ...base,
        request: {
          model,
          gpu,
          layout: decode.layout,
          disagg: { prefill: { layout: prefill.layout, workers: prefillWorkers }, decodeWorkers },
          precision: { weights, experts },
          workload: { isl, osl, concurrency },
          engine,
        },
      },
    };
  }

  const dpColumn = posInt(row.attention_dp_size, 1);
  const batch = num(row.batch_size);
  // With attention DP the batch column is per rank; silicon_concurrency is the run's client count.
  const concurrency = silicon ?? (batch >= 1 ? batch * dpColumn : NaN);
  if (!(isl >= 1 && osl >= 2 && concurrency >= 1)) return fail(`needs isl ≥ 1, osl ≥ 2 and batch_size ≥ 1 (got ${row.isl}, ${row.osl}, ${row.batch_size})`);
  const moeTp = num(row.moe_tp_size);
  const read = readLayout({
    ...columns(''),
    concurrency,
    batch: batch >= 1 ? batch : undefined,
    moeTp: moeTp >= 1 ? moeTp : undefined,
    named: namedParallelism(row.id),
    domain: gpu.linkDomain,
  });
  if (read.reinterpreted) notes.push(read.reinterpreted);
  const bad = check(read.layout, '');
  if (bad) return fail(bad);
  return {
    ok: true,
    value: {
      ...base,
      request: { model, gpu, layout: read.layout, precision: { weights, experts }, workload: { isl, osl, concurrency }, engine },
    },
  };
}
