// Disaggregated candidates for optimize(): a deployment unit of P prefill workers (TP tpP each) and D decode
// workers (TP tpD each) on one GPU pool, for each prefill:decode ratio, with the unit's total concurrency. Memory
// is checked per role once per layout pair (it does not depend on the ratio or the load), then each load is
// predicted. Plans and rejections come back in the same shapes as the aggregated ones, with a `disagg` part.
import type { ModelArch } from './arch.js';
import type { GpuSpec } from './gpus.js';
import type { Coefficients } from './perf/coefficients.js';
import { predict, type Prediction } from './perf/predict.js';
import type { Precision } from './quant.js';
import type { Rejected, RejectionKind } from './search.js';

/** prefill : decode workers per unit. */
export const DEFAULT_DISAGG_RATIOS: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, 2],
  [1, 3],
  [2, 1],
];

export interface DisaggCandidate {
  prefillTp: number;
  prefillWorkers: number;
  decodeTp: number;
  decodeWorkers: number;
  concurrency: number;
  gpus: number;
  prediction: Prediction;
}

export interface DisaggSearch {
  arch: ModelArch;
  gpu: GpuSpec;
  poolCount: number;
  cluster: string;
  tps: number[];
  ratios: readonly (readonly [number, number])[];
  concurrency: number[];
  workload: { isl: number; osl: number };
  precision?: Partial<Precision>;
  backend?: string;
  memoryFraction?: number;
  engineVersion?: string;
  coeffs: Coefficients;
}

export function enumerateDisagg(s: DisaggSearch, onCandidate: (c: DisaggCandidate) => void, reject: (r: Rejected) => void): number {
  const { arch, gpu } = s;
  let evaluated = 0;
  const usableTps = s.tps.filter((tp) => arch.heads % tp === 0 && tp <= gpu.linkDomain);
  const base = (tpP: number, tpD: number) => ({ cluster: s.cluster, gpu: gpu.id, tp: tpD, pp: 1, prefillTp: tpP });
  const say = (tpP: number, tpD: number, kind: RejectionKind, reason: string, maxConcurrency?: number) =>
    reject({ ...base(tpP, tpD), ...(maxConcurrency ? { maxConcurrency } : {}), disaggregated: true, kind, reason });
  if (s.poolCount < 2) {
    say(1, 1, 'disagg_needs_two_gpus', `disaggregation needs a prefill and a decode worker: the cluster has ${s.poolCount} ${gpu.id}`);
    return 0;
  }
  for (const tpP of usableTps) {
    for (const tpD of usableTps) {
      let memoryChecked = false;
      let memoryFailed = false;
      for (const [pw, dw] of s.ratios) {
        const gpus = pw * tpP + dw * tpD;
        if (gpus > s.poolCount) {
          say(tpP, tpD, 'replica_exceeds_pool', `needs ${gpus} GPUs per replica (${pw} prefill × tp${tpP} + ${dw} decode × tp${tpD}), cluster has ${s.poolCount} ${gpu.id}`);
          continue;
        }
        for (const conc of s.concurrency) {
          evaluated++;
          const p = predict(
            {
              model: arch,
              gpu,
              layout: { tp: tpD },
              disagg: { prefill: { layout: { tp: tpP }, workers: pw }, decodeWorkers: dw },
              precision: s.precision,
              workload: { ...s.workload, concurrency: conc },
              engine: { maxNumSeqs: Math.max(1, Math.ceil(conc / dw)), backend: s.backend, version: s.engineVersion, memoryFraction: s.memoryFraction },
            },
            s.coeffs,
          );
          if (!memoryChecked) {
            // Weights and activations do not depend on the ratio or the load: one verdict per layout pair.
            const prefillMemory = p.disagg!.prefillMemory;
            if (!prefillMemory.fits) say(tpP, tpD, 'prefill_does_not_fit', `prefill worker (tp${tpP}): ${prefillMemory.reasons.join('; ')}`);
            if (!p.memory.fits) say(tpP, tpD, 'decode_does_not_fit', `decode worker (tp${tpD}): ${p.memory.reasons.join('; ')}`);
            memoryChecked = true;
            memoryFailed = !prefillMemory.fits || !p.memory.fits;
            if (memoryFailed) break;
          }
          const perWorker = Math.ceil(conc / dw);
          if (p.memory.maxConcurrency < perWorker) {
            say(tpP, tpD, 'kv_cache_too_small', `KV cache holds only ${p.memory.maxConcurrency} sequences of ${s.workload.isl + s.workload.osl} tokens per decode worker, ${perWorker} needed`, conc);
            continue;
          }
          onCandidate({ prefillTp: tpP, prefillWorkers: pw, decodeTp: tpD, decodeWorkers: dw, concurrency: conc, gpus, prediction: p });
        }
        if (memoryFailed) break;
      }
    }
  }
  return evaluated;
}
