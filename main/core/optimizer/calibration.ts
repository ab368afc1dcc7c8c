import { findModel, planCalibrationPoint, type CalibrationPoint, type OptimizeResult } from '../../../optimizer/src/index';
import type { Db } from '../store/db';
import type { OptimizeInput } from './service';
import type { OptimizerMeasurement } from './measurements';

/**
 * Calibration points from every measurement recorded for a model on an engine, whichever run it was recorded
 * against. Each is re-predicted by this release of the optimizer, uncalibrated, from the measured run's own request
 * (its release and memory knob): a point is the gap between today's physics and what was measured, so it stays right
 * when the optimizer changes. The library applies a point only to plans of the deployment it measured.
 */

export interface CalibrationSource {
  points: CalibrationPoint[];
  /** Distinct deployments (GPU, layout, release …) the points measured. */
  deployments: number;
  /** Measurements that could not be turned into a point (their plan could not be predicted any more). */
  skipped: number;
}

type Row = { run_id: string; plan_index: number; id: string; body: string; request: string; result: string };

export function calibrationSource(db: Db, model: string, backend: string): CalibrationSource {
  const canonical = findModel(model)?.id;
  const rows = db
    .prepare<[], Row>('SELECT m.run_id, m.plan_index, m.id, m.body, r.request, r.result FROM optimizer_measurements m JOIN optimizer_runs r ON r.id = m.run_id ORDER BY m.created_at, m.rowid')
    .all();
  const runs = new Map<string, { request: OptimizeInput; result: OptimizeResult } | null>();
  const points: CalibrationPoint[] = [];
  let skipped = 0;
  for (const row of rows) {
    if (!runs.has(row.run_id)) {
      const request = JSON.parse(row.request) as OptimizeInput;
      const sameModel = canonical !== undefined && findModel(request.model)?.id === canonical;
      runs.set(row.run_id, sameModel && (request.backend ?? 'vllm') === backend ? { request, result: JSON.parse(row.result) as OptimizeResult } : null);
    }
    const run = runs.get(row.run_id);
    if (!run) continue;
    const plan = run.result.plans[row.plan_index];
    const { measured } = JSON.parse(row.body) as Pick<OptimizerMeasurement, 'measured'>;
    if (!plan) {
      skipped++;
      continue;
    }
    try {
      points.push(planCalibrationPoint({ model: run.request.model, backend: run.request.backend, engineVersion: run.request.engineVersion, memoryFraction: run.request.memoryFraction }, plan, { ...measured, outputTokensPerSec: measured.outputTokensPerSec ?? undefined }, row.id));
    } catch {
      skipped++;
    }
  }
  return { points, deployments: new Set(points.map((p) => p.deployment)).size, skipped };
}
