// The aggregated units of the search (prefill and decode on the same GPUs): every replica layout a pool can run.
// Layouts that cannot run there, or whose weights leave no room for a sequence, are turned down once with their
// numbers; each remaining layout is then one unit, predicted at each max concurrency of the space.
import { gpusPerReplica, type Layout } from './layout.js';
import { memoryReport } from './memory.js';
import { resolvePrecision } from './perf/predict.js';
import { NO_PLAN_VIOLATION, planOutcome, type Outcome, type Pool, type Predictor, type RejectionBase, type SearchContext } from './search-outcome.js';
import type { Rejected } from './search.js';
import { candidateLayouts, layoutRejection } from './search-layouts.js';
import { replicaRequest } from './unit-request.js';

export interface ReplicaUnit {
  pool: Pool;
  layout: Layout;
}

function baseOf(pool: Pool, l: Layout): RejectionBase {
  return { cluster: pool.cluster, gpu: pool.gpu.id, tp: l.tp, pp: l.pp, ...(l.dp > 1 ? { attentionDp: l.dp } : {}) };
}

export function replicaUnits(ctx: SearchContext, pools: Pool[], rejected: Rejected[]): ReplicaUnit[] {
  const { arch } = ctx;
  const { isl, osl } = ctx.workload;
  const units: ReplicaUnit[] = [];
  const precision = resolvePrecision(arch, ctx.precision);
  const first = ctx.space.concurrency[0]!;
  for (const pool of pools) {
    for (const l of candidateLayouts(arch, ctx.space)) {
      const base = baseOf(pool, l);
      const bad = layoutRejection(arch, pool.gpu, pool.count, l);
      if (bad) {
        rejected.push({ ...base, ...bad });
        continue;
      }
      // Memory does not depend on the concurrency beyond the first value: one verdict per layout.
      const memory = memoryReport(arch, pool.gpu, { layout: l, precision, contextTokens: isl + osl, options: { maxNumSeqs: Math.ceil(first / l.dp), backend: ctx.backend, memoryFraction: ctx.memoryFraction } });
      if (!memory.fits) {
        rejected.push({ ...base, maxConcurrency: first, kind: 'does_not_fit', reason: memory.reasons.join('; ') });
        continue;
      }
      units.push({ pool, layout: l });
    }
  }
  return units;
}

export function evaluateReplica(ctx: SearchContext, u: ReplicaUnit, conc: number, run: Predictor): Outcome {
  const { isl, osl } = ctx.workload;
  const { pool, layout: l } = u;
  const base = { ...baseOf(pool, l), maxConcurrency: conc };
  const p = run(
    replicaRequest(ctx, pool.gpu, l, { isl, osl, concurrency: conc }),
    // Clusters with the same GPU type share predictions; only the price differs.
    `${pool.gpu.id}/${l.tp}/${l.pp}/${l.dp}/${conc}`,
  );
  const held = p.memory.maxConcurrency * l.dp;
  if (held < conc) {
    const reason = `KV cache holds only ${held} sequences of ${isl + osl} tokens${l.dp > 1 ? ` (${p.memory.maxConcurrency} on each of ${l.dp} ranks)` : ''}`;
    return { rejection: { ...base, kind: 'kv_cache_too_small', reason }, violation: NO_PLAN_VIOLATION + conc / Math.max(1, held) };
  }
  return planOutcome(p, pool, ctx, conc, { tp: l.tp, pp: l.pp, attentionDp: l.dp > 1 ? l.dp : undefined, gpus: gpusPerReplica(l) }, base);
}
