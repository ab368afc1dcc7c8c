// Reads benchmark exports with the columns of optimizer/data/measured-ttft-tpot.csv (AIConfigurator's
// silicon_sample format) and turns each row into a PredictRequest, or says why it cannot be predicted.
import { parse } from 'csv-parse/sync';
import { findGpu } from './gpus.js';
import { findModel } from './models.js';
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
  if ((row.mode ?? 'agg') !== 'agg') return fail(`mode "${row.mode}": disaggregated prefill/decode layouts are not modelled yet`);
  const ttftMs = num(row.silicon_ttft_ms);
  const tpotMs = num(row.silicon_tpot_ms);
  if (!(ttftMs > 0) || !(tpotMs > 0)) return fail('missing or non-positive silicon_ttft_ms / silicon_tpot_ms');
  const isl = num(row.isl);
  const osl = num(row.osl);
  const concurrency = num(row.batch_size);
  if (!(isl >= 1 && osl >= 2 && concurrency >= 1)) return fail(`needs isl ≥ 1, osl ≥ 2 and batch_size ≥ 1 (got ${row.isl}, ${row.osl}, ${row.batch_size})`);
  const tp = posInt(row.tp_size, 1);
  const dp = posInt(row.attention_dp_size, 1);
  const pp = posInt(row.pp_size, 1);
  const ep = posInt(row.moe_ep_size, 1);
  if (model.heads % tp !== 0) return fail(`tp_size ${tp} does not divide ${model.heads} heads`);
  const weights = parseDtype(row.gemm_quant_mode) ?? parseDtype(row.precision) ?? (row.precision ? undefined : model.dtype === 'fp8' ? 'fp8' : 'bf16');
  if (!weights) return fail(`unknown precision "${row.precision}"`);
  const experts = parseDtype(row.moe_quant_mode) ?? weights;
  return {
    ok: true,
    value: {
      id,
      row,
      modelId: model.id,
      gpuId: gpu.id,
      backend: row.backend ?? '',
      ttftMs,
      tpotMs,
      request: {
        model,
        gpu,
        layout: { tp, dp, pp, ep },
        precision: { weights, experts },
        workload: { isl, osl, concurrency },
        engine: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192, backend: (row.backend ?? '').toLowerCase() || undefined },
      },
    },
  };
}
