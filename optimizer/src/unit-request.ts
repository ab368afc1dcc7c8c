// The predict() request for one unit of the search at one load: what the search predicts for each point of its
// space, and what comparePlan re-runs at a deployment's measured load, so a measured plan is predicted exactly as it
// was planned.
import type { GpuSpec } from './gpus.js';
import type { Layout } from './layout.js';
import type { PredictRequest } from './perf/predict.js';
import type { SearchContext } from './search-outcome.js';

/** What the request needs from the search's context: the model, its precision and the engine. */
export type EngineContext = Pick<SearchContext, 'arch' | 'precision' | 'backend' | 'engineVersion' | 'memoryFraction'>;
export interface Load {
  isl: number;
  osl: number;
  concurrency: number;
}

const engineOf = (ctx: EngineContext, maxNumSeqs: number) => ({ maxNumSeqs, backend: ctx.backend, version: ctx.engineVersion, memoryFraction: ctx.memoryFraction });

/** One aggregated replica; each attention-DP rank holds its share of the clients. */
export function replicaRequest(ctx: EngineContext, gpu: GpuSpec, l: Layout, load: Load): PredictRequest {
  return { model: ctx.arch, gpu, layout: l, precision: ctx.precision, workload: load, engine: engineOf(ctx, Math.ceil(load.concurrency / l.dp)) };
}

/** One disaggregated unit: `load.concurrency` is its clients, shared by the decode workers. */
export function disaggRequest(ctx: EngineContext, gpu: GpuSpec, u: { prefillTp: number; prefillWorkers: number; decodeTp: number; decodeWorkers: number }, load: Load): PredictRequest {
  return {
    model: ctx.arch,
    gpu,
    layout: { tp: u.decodeTp },
    disagg: { prefill: { layout: { tp: u.prefillTp }, workers: u.prefillWorkers }, decodeWorkers: u.decodeWorkers },
    precision: ctx.precision,
    workload: load,
    engine: engineOf(ctx, Math.max(1, Math.ceil(load.concurrency / u.decodeWorkers))),
  };
}
