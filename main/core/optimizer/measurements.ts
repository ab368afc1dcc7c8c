import { z } from 'zod';
import { comparePlan, layoutLabel, type OptimizeResult, type Plan } from '../../../optimizer/src/index';
import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import { id } from '../channels/spec';
import type { OptimizeInput } from './service';
import { parseBenchResults } from './bench-results';

/**
 * What a deployed plan measured, kept beside the run that recommended it. Each measurement is compared with the
 * prediction for the same plan at the load it was measured under (the optimizer library's comparePlan), and that
 * prediction is stored with it: a later release of the optimizer must not rewrite what was predicted back then.
 */

export const MeasurementInputSchema = z
  .object({
    runId: id('runId'),
    /** The plan's position in the run's result.plans; without it, the run's recommended plan. */
    planIndex: z.number().int().min(0).optional(),
    /** Concurrent clients on one replica while measuring. */
    concurrency: z.number().int().positive().max(65_536, 'concurrency above 65,536 is not one replica'),
    /** Prompt and output lengths of the benchmark; default: the run's workload. */
    isl: z.number().int().positive().max(1_048_576).optional(),
    osl: z.number().int().positive().max(262_144).optional(),
    ttftMs: z.number().positive('TTFT must be above 0 ms').max(3_600_000, 'TTFT above an hour is not a measurement'),
    tpotMs: z.number().positive('TPOT must be above 0 ms').max(600_000, 'TPOT above ten minutes is not a measurement'),
    /** Output tokens per second of one replica. */
    outputTokensPerSec: z.number().positive().max(1e9).optional(),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

export type MeasurementInput = z.output<typeof MeasurementInputSchema>;

/** Benchmark result files (vLLM `bench serve --save-result`, SGLang `bench_serving --output-file`) as text. */
export const MeasurementImportSchema = z
  .object({
    runId: id('runId'),
    planIndex: z.number().int().min(0).optional(),
    files: z
      .array(z.object({ name: z.string().min(1).max(200), text: z.string().max(8 * 1024 * 1024, 'a result file over 8 MiB: save it without --save-detailed') }).strict())
      .min(1, 'give at least one result file')
      .max(50, 'at most 50 result files at once'),
  })
  .strict();

export type MeasurementImport = z.output<typeof MeasurementImportSchema>;

export interface OptimizerMeasurement {
  id: string;
  runId: string;
  planIndex: number;
  /** "lab · h100_sxm · tp4 pp1 · 64 seqs": which plan was deployed. */
  plan: string;
  measured: { concurrency: number; isl: number; osl: number; ttftMs: number; tpotMs: number; outputTokensPerSec: number | null };
  predicted: { ttftMs: number; tpotMs: number; outputTokensPerSec: number };
  /** Signed % of the measurement: + means the optimizer predicted more (slower TTFT/TPOT, more throughput) than measured. */
  errorPct: { ttft: number; tpot: number; throughput: number | null };
  warnings: string[];
  note: string | null;
  createdBy: string;
  createdAt: string;
}

type Stored = Pick<OptimizerMeasurement, 'plan' | 'measured' | 'predicted' | 'errorPct' | 'warnings'>;
type MeasurementRow = { id: string; run_id: string; plan_index: number; body: string; note: string | null; created_by: string; created_at: string };

export function planLabel(p: Plan): string {
  // The page's wording (renderer/pages/optimizer/format.ts layoutLabel).
  const shape = p.disagg ? `prefill ${p.disagg.prefillWorkers}×tp${p.disagg.prefillTp} + decode ${p.disagg.decodeWorkers}×tp${p.disagg.decodeTp}` : layoutLabel(p);
  return `${p.cluster} · ${p.gpu} · ${shape} · ${p.maxConcurrency} seqs`;
}

const fromRow = (r: MeasurementRow): OptimizerMeasurement => ({
  id: r.id,
  runId: r.run_id,
  planIndex: r.plan_index,
  ...(JSON.parse(r.body) as Stored),
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** A saved run's request and plans; parse it once per call: a fine-grid run's result is megabytes of JSON. */
export function loadRun(db: Db, runId: string): { request: OptimizeInput; result: OptimizeResult } {
  const row = db.prepare<[string], { request: string; result: string }>('SELECT request, result FROM optimizer_runs WHERE id = ?').get(runId);
  if (!row) throw notFound(`Optimizer run ${runId}`);
  return { request: JSON.parse(row.request) as OptimizeInput, result: JSON.parse(row.result) as OptimizeResult };
}

/** What the library needs of a saved run's request to predict one of its plans again (comparePlan, calibration). */
export const planRequestOf = (request: OptimizeInput) => ({ model: request.model, backend: request.backend, engineVersion: request.engineVersion, memoryFraction: request.memoryFraction });

export function createMeasurements(db: Db) {
  const recordAgainst = ({ request, result }: ReturnType<typeof loadRun>, input: MeasurementInput, actor: string): OptimizerMeasurement => {
    const { planIndex, plan } = planOf(result, input.planIndex);
    const measured = { concurrency: input.concurrency, isl: input.isl ?? request.workload.isl, osl: input.osl ?? request.workload.osl, ttftMs: input.ttftMs, tpotMs: input.tpotMs, outputTokensPerSec: input.outputTokensPerSec ?? null };
    let comparison;
    try {
      comparison = comparePlan(
        // A calibrated run is compared as it predicted: with the points that calibrated it.
        { ...planRequestOf(request), calibration: result.calibration?.points },
        plan,
        { ...measured, outputTokensPerSec: input.outputTokensPerSec },
      );
    } catch (cause) {
      throw new FoundryError({ code: 'INTERNAL', message: 'The optimizer could not predict this plan at the measured load.', hint: 'Check the concurrency and prompt lengths; report it if it persists.', cause });
    }
    const stored: Stored = { plan: planLabel(plan), measured, predicted: comparison.predicted, errorPct: comparison.errorPct, warnings: comparison.warnings };
    const row: MeasurementRow = { id: newId('meas'), run_id: input.runId, plan_index: planIndex, body: JSON.stringify(stored), note: input.note || null, created_by: actor, created_at: nowIso() };
    db.prepare('INSERT INTO optimizer_measurements (id, run_id, plan_index, body, note, created_by, created_at) VALUES (@id, @run_id, @plan_index, @body, @note, @created_by, @created_at)').run(row);
    return fromRow(row);
  };

  return {
    record: (input: MeasurementInput, actor: string): OptimizerMeasurement => recordAgainst(loadRun(db, input.runId), input, actor),

    /** Every run in every file, or nothing: files are parsed and each measurement checked before any is stored. */
    importResults(input: MeasurementImport, actor: string): OptimizerMeasurement[] {
      const parsed = input.files.flatMap((f) => parseBenchResults(f.text, f.name));
      const inputs = parsed.map((m) => {
        const checked = MeasurementInputSchema.safeParse({ runId: input.runId, ...(input.planIndex === undefined ? {} : { planIndex: input.planIndex }), ...m });
        if (!checked.success) throw invalid(`${m.note}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return checked.data;
      });
      const run = loadRun(db, input.runId);
      return db.transaction(() => inputs.map((m) => recordAgainst(run, m, actor)))();
    },

    /** Oldest first: the order they were taken in. */
    forRun(runId: string): OptimizerMeasurement[] {
      return db.prepare<[string], MeasurementRow>('SELECT * FROM optimizer_measurements WHERE run_id = ? ORDER BY created_at, rowid').all(runId).map(fromRow);
    },

    remove(measurementId: string): OptimizerMeasurement {
      const row = db.prepare<[string], MeasurementRow>('SELECT * FROM optimizer_measurements WHERE id = ?').get(measurementId);
      if (!row) throw notFound(`Measurement ${measurementId}`);
      db.prepare('DELETE FROM optimizer_measurements WHERE id = ?').run(measurementId);
      return fromRow(row);
    },
  };
}

/** The plan at `planIndex` of a run, or its recommended plan; refused when the run has no such plan. */
export function planOf(result: OptimizeResult, planIndex: number | undefined): { planIndex: number; plan: Plan } {
  const index = planIndex ?? recommendedIndex(result);
  const plan = result.plans[index];
  if (!plan) throw invalid(`planIndex ${index}: the run has ${result.plans.length} plans (0 to ${result.plans.length - 1}).`, 'Pick a plan from the run’s plans table.');
  return { planIndex: index, plan };
}

/** The recommended plan's position in the run's plans. */
function recommendedIndex(result: OptimizeResult): number {
  const r = result.recommended;
  if (!r) throw invalid('This run recommended no plan, so there is no plan to compare with by default.', 'Give planIndex: the position of the deployed plan in the run’s plans.');
  const i = result.plans.findIndex((p) => planLabel(p) === planLabel(r) && p.replicas === r.replicas && p.costPerHour === r.costPerHour);
  if (i < 0) throw invalid('The recommended plan is not among the run’s plans (a run saved by an older release).', 'Give planIndex explicitly.');
  return i;
}

export type Measurements = ReturnType<typeof createMeasurements>;
