// The roofline-only baseline (GenZ / LLM-Viewer style): datasheet peaks, no overheads, no scheduler.
// TTFT = one prefill alone; TPOT = one decode step of the whole batch at the mean context.
import { getGpu } from '../gpus.js';
import { layout as makeLayout } from '../layout.js';
import { getModel } from '../models.js';
import { ROOFLINE_ONLY } from './coefficients.js';
import { dot } from './features.js';
import { resolvePrecision, type PredictRequest } from './predict.js';
import { stepModel } from './step.js';

export function rooflineBaseline(req: PredictRequest): { ttftMs: number; tpotMs: number } {
  const arch = typeof req.model === 'string' ? getModel(req.model) : req.model;
  const gpu = typeof req.gpu === 'string' ? getGpu(req.gpu) : req.gpu;
  const l = makeLayout(req.layout);
  const precision = resolvePrecision(arch, req.precision);
  const m = stepModel(arch, gpu, l, precision);
  // Disaggregated: the prompt runs on a prefill worker, the batch is the decode worker's share of the clients.
  const mPrefill = req.disagg ? stepModel(arch, gpu, makeLayout(req.disagg.prefill.layout), precision) : m;
  const { isl, osl } = req.workload;
  const concurrency = req.workload.concurrency / (req.disagg?.decodeWorkers ?? 1);
  const c = ROOFLINE_ONLY.coefficients;
  const prefill = mPrefill.features({ decodeSeqs: 0, decodeContext: 0, prefillTokens: isl, prefillPairs: (isl * isl) / 2, prefillSeqs: 1 });
  const b = Math.max(1, Math.ceil(concurrency / l.dp));
  const decode = m.features({ decodeSeqs: b, decodeContext: b * (isl + osl / 2), prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
  return { ttftMs: dot(c, prefill) * 1000, tpotMs: dot(c, decode) * 1000 };
}
