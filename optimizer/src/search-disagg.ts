// The disaggregated units of the search: P prefill workers (TP tpP each) and D decode workers (TP tpD each) on one
// GPU pool, for each prefill:decode ratio, predicted at each total concurrency of the space. Each role's memory is
// checked once per layout pair (it does not depend on the ratio or the load); plans and rejections come back in the
// same shapes as the aggregated ones, with a `disagg` part.
import { memoryReport } from './memory.js';
import { resolvePrecision } from './perf/predict.js';
import { NO_PLAN_VIOLATION, planOutcome, type Outcome, type Pool, type Predictor, type RejectionBase, type SearchContext } from './search-outcome.js';
import type { Rejected, RejectionKind } from './search.js';
import { disaggRequest } from './unit-request.js';

/** prefill : decode workers per unit. */
export const DEFAULT_DISAGG_RATIOS: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, 2],
  [1, 3],
  [2, 1],
];

export interface DisaggUnit {
  pool: Pool;
  prefillTp: number;
  prefillWorkers: number;
  decodeTp: number;
  decodeWorkers: number;
  gpus: number;
}

const baseOf = (pool: Pool, tpP: number, tpD: number): RejectionBase => ({ cluster: pool.cluster, gpu: pool.gpu.id, tp: tpD, pp: 1, prefillTp: tpP, disaggregated: true });

export function disaggUnits(ctx: SearchContext, pools: Pool[], ratios: readonly (readonly [number, number])[], rejected: Rejected[]): DisaggUnit[] {
  const { arch } = ctx;
  const { isl, osl } = ctx.workload;
  const units: DisaggUnit[] = [];
  const precision = resolvePrecision(arch, ctx.precision);
  for (const pool of pools) {
    const say = (tpP: number, tpD: number, kind: RejectionKind, reason: string) => rejected.push({ ...baseOf(pool, tpP, tpD), kind, reason });
    if (pool.count < 2) {
      say(1, 1, 'disagg_needs_two_gpus', `disaggregation needs a prefill and a decode worker: the cluster has ${pool.count} ${pool.gpu.id}`);
      continue;
    }
    const usableTps = ctx.space.tp.filter((tp) => arch.heads % tp === 0 && tp <= pool.gpu.linkDomain);
    for (const tpP of usableTps) {
      for (const tpD of usableTps) {
        const fitting = ratios.filter(([pw, dw]) => {
          const gpus = pw * tpP + dw * tpD;
          if (gpus > pool.count) say(tpP, tpD, 'replica_exceeds_pool', `needs ${gpus} GPUs per replica (${pw} prefill × tp${tpP} + ${dw} decode × tp${tpD}), cluster has ${pool.count} ${pool.gpu.id}`);
          return gpus <= pool.count;
        });
        if (fitting.length === 0) continue;
        // Weights and activations do not depend on the ratio or the load: one verdict per layout pair.
        const options = { maxNumSeqs: Math.max(1, Math.ceil(ctx.space.concurrency[0]! / fitting[0]![1])), backend: ctx.backend, memoryFraction: ctx.memoryFraction };
        const prefill = memoryReport(arch, pool.gpu, { layout: { tp: tpP, pp: 1, dp: 1, ep: 1 }, precision, contextTokens: isl, options });
        const decode = memoryReport(arch, pool.gpu, { layout: { tp: tpD, pp: 1, dp: 1, ep: 1 }, precision, contextTokens: isl + osl, options });
        if (!prefill.fits) say(tpP, tpD, 'prefill_does_not_fit', `prefill worker (tp${tpP}): ${prefill.reasons.join('; ')}`);
        if (!decode.fits) say(tpP, tpD, 'decode_does_not_fit', `decode worker (tp${tpD}): ${decode.reasons.join('; ')}`);
        if (!prefill.fits || !decode.fits) continue;
        for (const [pw, dw] of fitting) units.push({ pool, prefillTp: tpP, prefillWorkers: pw, decodeTp: tpD, decodeWorkers: dw, gpus: pw * tpP + dw * tpD });
      }
    }
  }
  return units;
}

export function evaluateDisagg(ctx: SearchContext, u: DisaggUnit, conc: number, run: Predictor): Outcome {
  const { isl, osl } = ctx.workload;
  const base = { ...baseOf(u.pool, u.prefillTp, u.decodeTp), maxConcurrency: conc };
  const p = run(disaggRequest(ctx, u.pool.gpu, u, { isl, osl, concurrency: conc }));
  const perWorker = Math.ceil(conc / u.decodeWorkers);
  if (p.memory.maxConcurrency < perWorker) {
    const reason = `KV cache holds only ${p.memory.maxConcurrency} sequences of ${isl + osl} tokens per decode worker, ${perWorker} needed`;
    return { rejection: { ...base, kind: 'kv_cache_too_small', reason }, violation: NO_PLAN_VIOLATION + perWorker / Math.max(1, p.memory.maxConcurrency) };
  }
  const d = p.disagg!;
  const disagg = { prefillTp: u.prefillTp, prefillWorkers: u.prefillWorkers, decodeTp: u.decodeTp, decodeWorkers: u.decodeWorkers, prefillGpus: d.prefillGpus, decodeGpus: d.decodeGpus, bottleneck: d.bottleneck, kvTransferMs: d.kvTransferMs };
  return planOutcome(p, u.pool, ctx, conc, { tp: u.decodeTp, pp: 1, disagg, gpus: u.gpus }, base);
}
