// `npm run bench:optimizer`: search time for a 70B model over 5 GPU types and 3 clusters, reported as a ratio
// against single predict() calls measured in the same run (so the number survives a slower machine), plus ms.
import { optimize, predict, type ClusterSpec } from '../src/index.js';

const clusters: ClusterSpec[] = [
  { name: 'on-prem', gpus: [{ gpu: 'h100_sxm', count: 16 }, { gpu: 'a100_80gb_sxm', count: 16 }] },
  { name: 'aws', gpus: [{ gpu: 'h200_sxm', count: 8 }, { gpu: 'l40s', count: 8 }] },
  { name: 'azure', gpus: [{ gpu: 'b200_sxm', count: 8 }, { gpu: 'h100_sxm', count: 8 }] },
];
const request = { model: 'llama-3.1-70b', clusters, workload: { isl: 2048, osl: 512 }, precision: { weights: 'fp8' as const }, slo: { ttftMs: 1500, tpotMs: 50, targetRequestsPerSec: 4 } };

function time(fn: () => void, reps: number): number {
  fn(); // warm-up: module init and JIT
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

const single = time(() => predict({ model: 'llama-3.1-70b', gpu: 'h100_sxm', layout: { tp: 4 }, precision: { weights: 'fp8' }, workload: { isl: 2048, osl: 512, concurrency: 64 } }), 50);
let result = optimize(request);
const search = time(() => (result = optimize(request)), 5);
const gpuTypes = new Set(clusters.flatMap((c) => c.gpus.map((g) => g.gpu))).size;
console.log(`optimizer search: 70B model, ${gpuTypes} GPU types, ${clusters.length} clusters`);
console.log(`  predictions evaluated: ${result.evaluated} (plans ${result.plans.length}, rejected ${result.rejected.length}, Pareto ${result.pareto.length})`);
console.log(`  single predict() (tp4, c64): ${single.toFixed(2)} ms`);
console.log(`  full search:                 ${search.toFixed(1)} ms  = ${(search / single).toFixed(0)}× one predict() call`);
console.log(`  recommended: ${result.recommended ? `${result.recommended.cluster}/${result.recommended.gpu} tp${result.recommended.tp} pp${result.recommended.pp} c${result.recommended.maxConcurrency} ×${result.recommended.replicas}` : result.noPlanReason}`);
// The same search with disaggregated prefill/decode units on (opt-in: OptimizeRequest.disaggregated).
let withDisagg = optimize({ ...request, disaggregated: true });
const searchDisagg = time(() => (withDisagg = optimize({ ...request, disaggregated: true })), 3);
console.log(`  with disaggregated units:    ${searchDisagg.toFixed(1)} ms  = ${(searchDisagg / single).toFixed(0)}× one predict() call (${withDisagg.evaluated} predictions, ${withDisagg.plans.filter((p) => p.disagg).length} disaggregated plans)`);
// A grid too fine to predict at every point: every max concurrency from 1 to 512. NSGA-II under the default budget
// against the exhaustive search of the same space: time, and how much of the exhaustive front it comes within 5% of.
const grid = { tp: [1, 2, 4, 8], pp: [1, 2], concurrency: Array.from({ length: 512 }, (_, i) => i + 1) };
let exhaustive = optimize({ ...request, space: { ...grid, maxPredictions: 1e6 } });
const exhaustiveMs = time(() => (exhaustive = optimize({ ...request, space: { ...grid, maxPredictions: 1e6 } })), 1);
let evolved = optimize({ ...request, space: grid });
const evolvedMs = time(() => (evolved = optimize({ ...request, space: grid })), 3);
const objectives = (p: (typeof exhaustive.plans)[number]) => [p.prediction.e2eMs, p.prediction.outputTokensPerSec / p.gpusPerReplica, p.costPerMillionOutputTokens] as const;
const covered = exhaustive.pareto.filter((a) => {
  const x = objectives(a);
  return evolved.plans.some((b) => {
    const y = objectives(b);
    return y[0] <= x[0] * 1.05 && y[1] >= x[1] / 1.05 && y[2] <= x[2] * 1.05;
  });
}).length;
const cost = (r: typeof exhaustive) => r.recommended?.costPerHour.toFixed(2) ?? 'none';
console.log(`  concurrency 1…512, exhaustive: ${exhaustiveMs.toFixed(0)} ms (${exhaustive.evaluated} predictions, front ${exhaustive.pareto.length}, recommended $${cost(exhaustive)}/h)`);
console.log(`  the same space with NSGA-II:   ${evolvedMs.toFixed(0)} ms = ${(evolvedMs / exhaustiveMs).toFixed(2)}× the exhaustive search (${evolved.evaluated} predictions, ${evolved.search.generations} generations); within 5% of ${covered} of the ${exhaustive.pareto.length} exhaustive front points; recommended $${cost(evolved)}/h`);
// The same fine grid with disaggregated units too: one space, one budget.
let both = optimize({ ...request, disaggregated: true, space: grid });
const bothMs = time(() => (both = optimize({ ...request, disaggregated: true, space: grid })), 1);
console.log(`  … with disaggregated units:  ${bothMs.toFixed(0)} ms for ${both.search.candidates} points (NSGA-II, ${both.evaluated} predictions, ${both.plans.filter((p) => p.disagg).length} disaggregated plans; recommended $${cost(both)}/h${both.recommended?.disagg ? ', disaggregated' : ''})`);
