import { findModel, planCalibrationPoint, type CalibrationPoint } from '../../../optimizer/src/index';
import type { Db } from '../store/db';
import type { OptimizeInput } from './service';
import { loadRun, planRequestOf, type OptimizerMeasurement } from './measurements';

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
}

export function calibrationSource(db: Db, model: string, backend: string): CalibrationSource {
  const canonical = findModel(model)?.id;
  if (canonical === undefined) return { points: [], deployments: 0 };
  // Only the requests of measured runs are read to pick the model's runs; a plan list (megabytes for a fine grid) is
  // parsed for those runs alone, once each.
  const measured = db.prepare<[], { id: string; request: string }>('SELECT r.id, r.request FROM optimizer_runs r WHERE EXISTS (SELECT 1 FROM optimizer_measurements m WHERE m.run_id = r.id)').all();
  const ids = measured.filter((r) => {
    const request = JSON.parse(r.request) as OptimizeInput;
    return findModel(request.model)?.id === canonical && (request.backend ?? 'vllm') === backend;
  }).map((r) => r.id);
  if (ids.length === 0) return { points: [], deployments: 0 };
  const rows = db
    .prepare<string[], { id: string; run_id: string; plan_index: number; body: string }>(`SELECT id, run_id, plan_index, body FROM optimizer_measurements WHERE run_id IN (${ids.map(() => '?').join(', ')}) ORDER BY created_at, rowid`)
    .all(...ids);
  const runs = new Map<string, ReturnType<typeof loadRun>>();
  const points: CalibrationPoint[] = [];
  for (const row of rows) {
    const run = runs.get(row.run_id) ?? loadRun(db, row.run_id);
    runs.set(row.run_id, run);
    const plan = run.result.plans[row.plan_index];
    // A plan the run no longer has, or one this release cannot predict any more, calibrates nothing.
    if (!plan) continue;
    const { measured } = JSON.parse(row.body) as Pick<OptimizerMeasurement, 'measured'>;
    try {
      points.push(planCalibrationPoint(planRequestOf(run.request), plan, { ...measured, outputTokensPerSec: measured.outputTokensPerSec ?? undefined }, row.id));
    } catch {
      continue;
    }
  }
  return { points, deployments: new Set(points.map((p) => p.deployment)).size };
}
