// Public API of the optimizer. main/core calls only what is exported here; the library never imports main/ or
// renderer/ and throws plain Errors with clear messages, which the caller maps to its own error codes.
export type { ModelArch, ParamCounts, WeightDtype } from './arch.js';
export { ModelArchSchema, paramCounts } from './arch.js';
export { MODELS, findModel, getModel } from './models.js';
export type { GpuSpec } from './gpus.js';
export { GPUS, findGpu, getGpu } from './gpus.js';
export type { Layout } from './layout.js';
export type { Precision, KvDtype } from './quant.js';
export type { MemoryOptions, MemoryReport, WeightBreakdown } from './memory.js';
export { memoryReport, weightBytesPerGpu, kvCost } from './memory.js';
export { gib } from './kv-budget.js';
export type { PredictRequest, Prediction, Breakdown, EngineOptions } from './perf/predict.js';
export { predict } from './perf/predict.js';
export { ENGINE_RELEASE_PATTERN, engineVersionNumber } from './perf/engine-version.js';
export { NEWEST_ENGINE_RELEASES } from './correction/default.js';
export { rooflineBaseline } from './perf/baseline.js';
export type { Coefficients } from './perf/coefficients.js';
export { DEFAULT_COEFFICIENTS, parseCoefficients } from './perf/coefficients.js';
export { FEATURE_NAMES } from './perf/features.js';
export type { OptimizeRequest, OptimizeResult, Plan, Rejected, RejectionKind, Slo, ClusterSpec } from './search.js';
export { optimize, PARETO_OBJECTIVES, REJECTION_KINDS } from './search.js';
export type { MeasuredAccuracy } from './accuracy.js';
export { MEASURED_ACCURACY } from './accuracy.js';
export type { Correction } from './correction/model.js';
export { DEFAULT_CORRECTION } from './correction/default.js';
export { CORRECTION_FEATURES } from './correction/features.js';
export { dominates, paretoFront } from './pareto.js';
export { layoutLabel } from './search-layouts.js';
export { ENGINES, engineLabel, type Engine } from './engines.js';
export type { PlanComparison, PlanMeasurement } from './plan-check.js';
export { comparePlan, planCalibrationPoint } from './plan-check.js';
export type { CalibrationApplied, CalibrationPoint } from './calibration.js';
export { applyCalibration, calibrated, calibrationFor, calibrationPoint, deploymentKey } from './calibration.js';
/** The library's seedable PRNG (mulberry32; NSGA-II uses it), for callers that need reproducible draws. */
export { seededRandom } from './nsga2.js';
