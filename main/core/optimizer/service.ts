import { z } from 'zod';
import { ENGINE_RELEASE_PATTERN, ENGINES, GPUS, MODELS, NEWEST_ENGINE_RELEASES, findGpu, findModel, optimize, paramCounts, type OptimizeResult } from '../../../optimizer/src/index';
import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import { calibrationSource } from './calibration';
import { createMeasurements, type OptimizerMeasurement } from './measurements';

/**
 * The desktop's side of the optimizer: checks a request against the model table and GPU catalog
 * (so a typo is a clear INVALID_INPUT, not a stack from inside the library), runs the search, and
 * keeps every run so it can be compared later with what a deployment measures.
 */

export const OptimizeInputSchema = z
  .object({
    name: z.string().max(80).optional(),
    model: z.string().min(1).max(200),
    clusters: z
      .array(
        z
          .object({
            name: z.string().min(1).max(63),
            gpus: z.array(z.object({ gpu: z.string().min(1).max(60), count: z.number().int().positive().max(100_000), pricePerGpuHour: z.number().nonnegative().max(1000).optional() }).strict()).min(1).max(20),
          })
          .strict(),
      )
      .min(1, 'name at least one cluster with GPUs')
      .max(20),
    workload: z.object({ isl: z.number().int().positive().max(1_048_576), osl: z.number().int().positive().max(262_144) }).strict(),
    slo: z
      .object({
        ttftMs: z.number().positive().optional(),
        ttftPercentile: z.enum(['mean', 'p90']).optional(),
        tpotMs: z.number().positive().optional(),
        targetRequestsPerSec: z.number().positive().max(1e6).optional(),
      })
      .strict()
      .default({}),
    backend: z.enum(ENGINES).default('vllm'),
    /** The engine release to plan for, e.g. 0.19.0; without it the newest release the optimizer was trained on. */
    engineVersion: z
      .string()
      .trim()
      .regex(ENGINE_RELEASE_PATTERN, 'Give the engine release as numbers, e.g. 0.19.0 or 1.2.0rc6')
      .max(40)
      .optional(),
    /** Also plan disaggregated prefill/decode units (worker ratios chosen by the search). */
    disaggregated: z.boolean().default(false),
    /** For an MoE model, also plan attention data parallelism with the experts expert-parallel ("dp8 ep8"). */
    attentionDp: z.boolean().default(true),
    /**
     * The engine's memory knob: vLLM's gpu_memory_utilization, SGLang's mem_fraction_static, TensorRT-LLM's
     * free_gpu_memory_fraction. Without it, the engine's own default.
     */
    memoryFraction: z.number().gt(0, 'the memory fraction must be above 0').max(1, 'the memory fraction is a share of memory: at most 1').optional(),
    /**
     * The max concurrency values to plan (default 1, 2, 4 … 256). A grid too large to predict at every point (e.g.
     * every value from 1 to 512) is searched with NSGA-II, and the result says so.
     */
    concurrency: z
      .array(z.number().int().positive().max(65_536, 'max concurrency above 65,536 is not a deployment'))
      .min(1)
      .max(4096, 'give at most 4,096 concurrency values')
      .transform((v) => [...new Set(v)].sort((a, b) => a - b))
      .optional(),
    /**
     * Calibrate with every measurement recorded for this model on this engine: plans of a measured deployment (same
     * GPU, layout, release) are predicted at the measured level; the others as the optimizer predicts them.
     */
    calibrate: z.boolean().default(false),
  })
  .strict();

export type OptimizeInput = z.output<typeof OptimizeInputSchema>;

export interface OptimizerRunSummary {
  id: string;
  name: string;
  model: string;
  /** What the run was asked for, so saved runs can be told apart and compared without opening each. */
  workload: OptimizeInput['workload'];
  slo: OptimizeInput['slo'];
  backend: OptimizeInput['backend'];
  createdAt: string;
  createdBy: string;
  recommended: OptimizeResult['recommended'];
  /** How many measurements of deployments are recorded against it. */
  measured: number;
}

type SummaryRow = { id: string; name: string; model: string; request: string; created_at: string; created_by: string; recommended: string | null; measured: number };

export interface OptimizerRun extends OptimizerRunSummary {
  request: OptimizeInput;
  result: OptimizeResult;
  /** What deployments of its plans measured, oldest first. */
  measurements: OptimizerMeasurement[];
}

export interface OptimizerCatalog {
  models: { id: string; aliases: string[]; params: number; activeParams: number; maxContext: number }[];
  gpus: { id: string; name: string; aliases: string[]; memoryGB: number; bandwidthTBs: number; bf16Tflops: number; pricePerGpuHour: number; unverified: string[] }[];
  /** Per engine, the newest release the optimizer was trained on: what a run naming none assumes. */
  engineReleases: Record<string, string>;
}

function check(input: OptimizeInput): void {
  if (!findModel(input.model)) {
    throw invalid(`The optimizer does not know the model "${input.model}".`, `Known models: ${MODELS.map((m) => m.id).join(', ')}. Add one by adding its config.json values to optimizer/data/models.json.`);
  }
  for (const cluster of input.clusters) {
    for (const { gpu } of cluster.gpus) {
      if (!findGpu(gpu)) {
        throw invalid(`clusters.${cluster.name}: the GPU "${gpu}" is not in the catalog.`, `Known GPUs: ${GPUS.map((g) => g.id).join(', ')} (node-label names such as NVIDIA-H100-80GB-HBM3 work too).`);
      }
    }
  }
  const names = input.clusters.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalid(`clusters: the name "${dup}" appears twice.`);
}

export function createOptimizerService(db: Db) {
  const measurements = createMeasurements(db);
  const toSummary = (r: SummaryRow): OptimizerRunSummary => {
    const request = JSON.parse(r.request) as OptimizeInput;
    return {
    id: r.id,
    name: r.name,
    model: r.model,
    workload: request.workload,
    slo: request.slo ?? {},
    backend: request.backend ?? 'vllm',
    createdAt: r.created_at,
    createdBy: r.created_by,
    recommended: r.recommended ? (JSON.parse(r.recommended) as OptimizeResult['recommended']) : null,
    measured: r.measured,
    };
  };

  return {
    catalog(): OptimizerCatalog {
      return {
        models: MODELS.map((m) => {
          const counts = paramCounts(m);
          return { id: m.id, aliases: m.aliases, params: counts.total, activeParams: counts.activePerToken, maxContext: m.maxContext };
        }),
        gpus: GPUS.map((g) => ({ id: g.id, name: g.name, aliases: g.aliases, memoryGB: g.memoryGB, bandwidthTBs: g.bandwidthTBs, bf16Tflops: g.bf16Tflops, pricePerGpuHour: g.pricePerGpuHour, unverified: g.unverified })),
        engineReleases: { ...NEWEST_ENGINE_RELEASES },
      };
    },

    run(input: OptimizeInput, actor: string): OptimizerRun {
      check(input);
      const calibration = input.calibrate ? calibrationSource(db, input.model, input.backend).points : undefined;
      let result: OptimizeResult;
      try {
        result = optimize({ model: input.model, clusters: input.clusters, workload: input.workload, slo: input.slo, backend: input.backend, engineVersion: input.engineVersion, memoryFraction: input.memoryFraction, disaggregated: input.disaggregated, space: { attentionDp: input.attentionDp, ...(input.concurrency ? { concurrency: input.concurrency } : {}) }, calibration });
      } catch (cause) {
        throw new FoundryError({ code: 'INTERNAL', message: 'The optimizer failed on this request.', hint: 'Try another model or GPU; report it if it persists.', cause });
      }
      const id = newId('opt');
      const createdAt = nowIso();
      const name = input.name?.trim() || `${findModel(input.model)!.id} · ${input.workload.isl}/${input.workload.osl} tokens`;
      db.prepare(
        'INSERT INTO optimizer_runs (id, name, model, request, result, recommended, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(id, name, input.model, JSON.stringify(input), JSON.stringify(result), result.recommended ? JSON.stringify(result.recommended) : null, actor, createdAt);
      return { id, name, model: input.model, workload: input.workload, slo: input.slo, backend: input.backend, createdAt, createdBy: actor, recommended: result.recommended, measured: 0, request: input, result, measurements: [] };
    },

    list(limit = 50): OptimizerRunSummary[] {
      return db
        .prepare<[number], SummaryRow>(
          'SELECT id, name, model, request, created_at, created_by, recommended, (SELECT COUNT(*) FROM optimizer_measurements m WHERE m.run_id = r.id) AS measured FROM optimizer_runs r ORDER BY created_at DESC, r.rowid DESC LIMIT ?',
        )
        .all(limit)
        .map(toSummary);
    },

    get(id: string): OptimizerRun {
      const row = db.prepare<[string], { id: string; name: string; model: string; request: string; result: string; recommended: string | null; created_by: string; created_at: string }>('SELECT * FROM optimizer_runs WHERE id = ?').get(id);
      if (!row) throw notFound(`Optimizer run ${id}`);
      const list = measurements.forRun(id);
      return { ...toSummary({ ...row, measured: list.length }), request: JSON.parse(row.request) as OptimizeInput, result: JSON.parse(row.result) as OptimizeResult, measurements: list };
    },

    /** What `calibrate` would use for a model on an engine: the page says it before a run. */
    calibration(model: string, backend: OptimizeInput['backend']): { measurements: number; deployments: number } {
      const source = calibrationSource(db, model, backend);
      return { measurements: source.points.length, deployments: source.deployments };
    },

    measure: measurements.record,
    importMeasurements: measurements.importResults,
    removeMeasurement: measurements.remove,
  };
}

export type OptimizerService = ReturnType<typeof createOptimizerService>;
