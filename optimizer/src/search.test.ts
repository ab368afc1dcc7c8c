import { describe, expect, it } from 'vitest';
import { dominates, paretoFront, type Objective } from './pareto.js';
import { MEASURED_ACCURACY } from './accuracy.js';
import { optimize, PARETO_OBJECTIVES, REJECTION_KINDS, type Plan, type RejectionKind } from './search.js';

const small = { tp: [1, 2, 4, 8, 16], pp: [1, 2], concurrency: [1, 8, 64] };

describe('optimize', () => {
  const r = optimize({
    model: 'llama-3.1-70b',
    clusters: [{ name: 'east', gpus: [{ gpu: 'h100_sxm', count: 16 }] }, { name: 'west', gpus: [{ gpu: 'h200_sxm', count: 8 }, { gpu: 'l40s', count: 8 }] }],
    workload: { isl: 1024, osl: 256 },
    precision: { weights: 'fp8' },
    slo: { ttftMs: 2000, tpotMs: 60, targetRequestsPerSec: 2 },
    space: small,
  });

  it('returns a Pareto front in which no member is dominated by any plan the fleet can run', () => {
    expect(r.pareto.length).toBeGreaterThan(0);
    const runnable = r.plans.filter((p) => p.fitsCluster);
    for (const a of r.pareto) for (const b of runnable) expect(dominates(b, a, PARETO_OBJECTIVES)).toBe(false);
  });

  it('keeps plans that need more GPUs than their cluster has off the front', () => {
    expect(r.plans.some((p) => !p.fitsCluster)).toBe(true);
    for (const p of r.pareto) expect(p.totalGpus).toBeLessThanOrEqual(p.cluster === 'east' ? 16 : 8);
  });

  it('recommends a plan that meets the SLOs within the GPUs of its cluster', () => {
    expect(r.recommended).not.toBeNull();
    const p = r.recommended!;
    expect(p.meetsSlo).toBe(true);
    expect(p.prediction.tpotMs).toBeLessThanOrEqual(60);
    expect(p.prediction.ttftMs).toBeLessThanOrEqual(2000);
    expect(p.totalGpus).toBeLessThanOrEqual(p.cluster === 'east' ? 16 : 8);
    expect(p.replicas * p.prediction.requestsPerSec).toBeGreaterThanOrEqual(2);
  });

  it('gives a reason for every rejected option, including memory in numbers', () => {
    expect(r.rejected.length).toBeGreaterThan(0);
    for (const x of r.rejected) expect(x.reason.length).toBeGreaterThan(10);
    expect(r.rejected.some((x) => x.gpu === 'l40s' && /GiB/.test(x.reason))).toBe(true);
  });

  it('gives every rejected option a kind code that agrees with its reason', () => {
    const wording: Record<RejectionKind, RegExp> = {
      replica_exceeds_pool: /^needs \d+ GPUs per replica/,
      tp_not_divisor: /does not divide/,
      tp_beyond_link_domain: /spans more than/,
      engine_not_on_gpu: /does not run on/,
      does_not_fit: /GiB|exceeds/,
      kv_cache_too_small: /^KV cache holds only/,
      misses_ttft_slo: /TTFT .* > SLO/,
      misses_tpot_slo: /TPOT .* > SLO/,
      too_few_gpus_for_rate: /^needs \d+ replicas/,
      disagg_needs_two_gpus: /needs a prefill and a decode worker/,
      prefill_does_not_fit: /^prefill worker \(tp\d+\): .*(GiB|exceeds)/,
      decode_does_not_fit: /^decode worker \(tp\d+\): .*(GiB|exceeds)/,
    };
    for (const x of r.rejected) {
      expect(REJECTION_KINDS).toContain(x.kind);
      expect(x.reason).toMatch(wording[x.kind]);
    }
    const kinds = new Set(r.rejected.map((x) => x.kind));
    for (const k of ['replica_exceeds_pool', 'tp_beyond_link_domain', 'does_not_fit', 'misses_tpot_slo'] as const) expect(kinds).toContain(k);
  });

  it('plans tensor parallelism across the PCIe cards of one server, and not across servers', () => {
    expect(r.plans.some((p) => p.gpu === 'l40s' && p.tp === 4)).toBe(true);
    expect(r.rejected.some((x) => x.gpu === 'h100_sxm' && x.tp === 16 && x.kind === 'tp_beyond_link_domain')).toBe(true);
  });

  it('does not plan TensorRT-LLM on an AMD or Intel pool, and says which engines would run there', () => {
    const fleet = { model: 'llama-3.1-8b', clusters: [{ name: 'mixed', gpus: [{ gpu: 'mi300x', count: 8 }, { gpu: 'h100_sxm', count: 8 }] }], workload: { isl: 1024, osl: 256 }, space: { tp: [1, 2], pp: [1], concurrency: [8] } };
    const trt = optimize({ ...fleet, backend: 'trtllm' });
    expect(trt.plans.every((p) => p.gpu === 'h100_sxm')).toBe(true);
    const refusal = trt.rejected.filter((x) => x.gpu === 'mi300x');
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatchObject({ kind: 'engine_not_on_gpu', reason: 'TensorRT-LLM does not run on MI300X (AMD): plan it with vLLM or SGLang' });
    expect(optimize({ ...fleet, backend: 'vllm' }).plans.some((p) => p.gpu === 'mi300x')).toBe(true);
  });

  it('tries attention DP with expert parallelism for an MoE model, never for a dense one', () => {
    const moe = optimize({ model: 'deepseek-ai/DeepSeek-R1', clusters: [{ name: 'b', gpus: [{ gpu: 'b200_sxm', count: 8 }] }], workload: { isl: 1024, osl: 1024 }, precision: { weights: 'fp8' }, backend: 'sglang', space: { tp: [4, 8], pp: [1], concurrency: [64, 256] } });
    const dp = moe.plans.filter((p) => p.attentionDp);
    expect(dp.map((p) => p.attentionDp)).toEqual([8, 8]);
    // On 4 GPUs each rank would hold a quarter of the 671 B experts plus the attention whole: too much.
    expect(moe.rejected.find((x) => x.attentionDp === 4)).toMatchObject({ kind: 'does_not_fit', reason: expect.stringMatching(/GiB/) });
    for (const p of dp) {
      expect(p.tp).toBe(1);
      expect(p.gpusPerReplica).toBe(p.attentionDp);
      // Each rank keeps its own sequences: the replica holds dp × one GPU's sequences.
      expect(p.memory.maxConcurrency * p.attentionDp!).toBeGreaterThanOrEqual(p.maxConcurrency);
    }
    const off = optimize({ model: 'deepseek-ai/DeepSeek-R1', clusters: [{ name: 'b', gpus: [{ gpu: 'b200_sxm', count: 8 }] }], workload: { isl: 1024, osl: 1024 }, precision: { weights: 'fp8' }, space: { tp: [8], pp: [1], concurrency: [64], attentionDp: false } });
    expect(off.plans.some((p) => p.attentionDp)).toBe(false);
    expect(r.plans.some((p) => p.attentionDp) || r.rejected.some((x) => x.attentionDp)).toBe(false); // Llama-3.1-70B is dense
  });

  it('keeps the MoE token exchange inside the link domain', () => {
    const pcie = optimize({ model: 'qwen3-30b-a3b', clusters: [{ name: 'p', gpus: [{ gpu: 'l40s', count: 16 }] }], workload: { isl: 1024, osl: 256 }, space: { tp: [16], pp: [1], concurrency: [8] } });
    expect(pcie.rejected.find((x) => x.attentionDp === 16)).toMatchObject({ kind: 'tp_beyond_link_domain', reason: expect.stringMatching(/dp=16 .* all-to-all over the network/) });
  });

  it('recommends, with a target rate, the cheapest deployment and among equal costs the one with the most headroom', () => {
    const small = optimize({ model: 'llama-3.1-8b', clusters: [{ name: 'one', gpus: [{ gpu: 'h100_sxm', count: 1 }] }], workload: { isl: 1024, osl: 256 }, slo: { tpotMs: 100, targetRequestsPerSec: 0.5 }, space: { tp: [1], pp: [1], concurrency: [1, 8, 64] } });
    const sameCost = small.plans.filter((p) => p.meetsSlo && p.fitsCluster && p.costPerHour === small.recommended!.costPerHour);
    expect(sameCost.length).toBeGreaterThan(1);
    expect(small.recommended!.prediction.requestsPerSec).toBe(Math.max(...sameCost.map((p) => p.prediction.requestsPerSec)));
    expect(small.recommended!.maxConcurrency).toBe(64);
  });

  it('recommends, without a target rate, the plan that serves a token most cheaply, not the smallest replica', () => {
    // DeepSeek-R1 FP8 fits four B200s under TensorRT-LLM's memory rule with room for a few sequences: the cheapest
    // per hour, and several times the cost per token of eight GPUs at a larger batch.
    const ds = optimize({ model: 'deepseek-ai/DeepSeek-R1', clusters: [{ name: 'b', gpus: [{ gpu: 'b200_sxm', count: 8 }] }], workload: { isl: 1024, osl: 1024 }, precision: { weights: 'fp8' }, slo: { tpotMs: 40 }, backend: 'trtllm', space: { tp: [4, 8], pp: [1], concurrency: [1, 16, 128], attentionDp: false } });
    const feasible = ds.plans.filter((p) => p.meetsSlo && p.fitsCluster);
    expect(feasible.some((p) => p.gpusPerReplica === 4)).toBe(true);
    expect(ds.recommended!.costPerMillionOutputTokens).toBe(Math.min(...feasible.map((p) => p.costPerMillionOutputTokens)));
    expect(ds.recommended!.gpusPerReplica).toBe(8);
  });

  it('sizes memory by the engine: DeepSeek-R1 FP8 on four B200s fits SGLang only with a hand-set mem_fraction_static', () => {
    const base = { model: 'deepseek-ai/DeepSeek-R1', clusters: [{ name: 'b', gpus: [{ gpu: 'b200_sxm', count: 4 }] }], workload: { isl: 1024, osl: 1024 }, precision: { weights: 'fp8' as const }, space: { tp: [4], pp: [1], concurrency: [8], attentionDp: false } };
    const sglang = optimize({ ...base, backend: 'sglang' });
    expect(sglang.plans).toEqual([]);
    expect(sglang.rejected[0]).toMatchObject({ kind: 'does_not_fit', reason: expect.stringMatching(/SGLang's mem_fraction_static 0\.85\d? leaves/) });
    const handSet = optimize({ ...base, backend: 'sglang', memoryFraction: 0.95 });
    expect(handSet.plans).toHaveLength(1);
    expect(handSet.plans[0]!.memory.budget).toEqual({ rule: 'sglang', knob: 'mem_fraction_static', fraction: 0.95 });
    expect(optimize({ ...base, backend: 'trtllm' }).plans).toHaveLength(1); // TensorRT-LLM's default: 0.9 of what is free
  });

  it('carries each plan’s memory report: it fits, and holds the plan’s sequences at max_model_len', () => {
    const p = r.recommended!;
    expect(p.memory.fits).toBe(true);
    expect(p.memory.contextTokens).toBe(p.maxModelLen);
    expect(p.memory.maxConcurrency).toBeGreaterThanOrEqual(p.maxConcurrency);
    expect(p.memory.weights.total).toBeGreaterThan(0);
  });

  it('reports the library’s own measured held-out accuracy with the result', () => {
    expect(r.accuracy).toBe(MEASURED_ACCURACY);
    expect(r.accuracy.heldOutModel.tpot.medianApe).toBeGreaterThan(0);
    expect(r.accuracy.rows).toBeGreaterThan(1000);
  });

  it('says why there is no plan when the SLO is impossible', () => {
    const none = optimize({ model: 'llama-3.1-70b', clusters: [{ name: 'a', gpus: [{ gpu: 'h100_sxm', count: 8 }] }], workload: { isl: 1024, osl: 256 }, slo: { tpotMs: 0.5 }, space: small });
    expect(none.recommended).toBeNull();
    expect(none.noPlanReason).toMatch(/SLO/);
    expect(none.rejected.some((x) => /TPOT .* > SLO 0.5 ms/.test(x.reason))).toBe(true);
  });
});

describe('optimize over a space larger than its prediction budget', () => {
  // Llama-3.1-70B FP8 at every max concurrency from 1 to 256 on two pools: 1,792 (layout, concurrency) points.
  const req = {
    model: 'llama-3.1-70b',
    clusters: [{ name: 'a', gpus: [{ gpu: 'h100_sxm', count: 16 }] }, { name: 'b', gpus: [{ gpu: 'b200_sxm', count: 8 }] }],
    workload: { isl: 2048, osl: 256 },
    precision: { weights: 'fp8' as const },
    slo: { ttftMs: 2000, tpotMs: 60 },
  };
  const space = { tp: [1, 2, 4, 8], pp: [1], concurrency: Array.from({ length: 256 }, (_, i) => i + 1) };
  const all = optimize({ ...req, space: { ...space, maxPredictions: 10_000 } });
  const evolved = optimize({ ...req, space: { ...space, maxPredictions: 400 } });

  it('searches disaggregated units in the same space, under the same budget', () => {
    const both = optimize({ ...req, clusters: [req.clusters[0]!], disaggregated: true, space: { ...space, maxPredictions: 600 } });
    expect(both.search.method).toBe('nsga2');
    expect(both.evaluated).toBeLessThanOrEqual(600);
    expect(both.plans.some((p) => p.disagg)).toBe(true);
    expect(both.plans.some((p) => !p.disagg)).toBe(true);
    // Every disaggregated unit and every replica layout of the pool is a gene value: 4 × 4 TP pairs × 4 ratios, less
    // the ratios that need more than 16 GPUs, plus the layouts that fit.
    expect(both.search.candidates % 256).toBe(0);
    expect(both.search.candidates / 256).toBeGreaterThan(20);
  });

  it('lists the front fastest first, whatever order the search visited it in', () => {
    const e2e = evolved.pareto.map((p) => p.prediction.e2eMs);
    expect(e2e).toEqual([...e2e].sort((a, b) => a - b));
  });

  it('enumerates within the budget and searches with NSGA-II beyond it, predicting no more than the budget', () => {
    expect(all.search).toEqual({ method: 'enumeration', candidates: 1792, predicted: 1792 });
    expect(evolved.search.method).toBe('nsga2');
    expect(evolved.search.candidates).toBe(1792);
    expect(evolved.evaluated).toBe(400);
    expect(evolved.plans.length).toBeLessThanOrEqual(400);
  });

  it('finds the exhaustive front: each of its points within 5% on all three objectives, from a quarter of the predictions', () => {
    const v = (p: Plan) => [p.prediction.e2eMs, p.prediction.outputTokensPerSec / p.gpusPerReplica, p.costPerMillionOutputTokens] as const;
    const near = (a: Plan, b: Plan) => v(b)[0] <= v(a)[0] * 1.05 && v(b)[1] >= v(a)[1] / 1.05 && v(b)[2] <= v(a)[2] * 1.05;
    const covered = all.pareto.filter((a) => evolved.plans.some((b) => near(a, b)));
    expect(all.pareto.length).toBeGreaterThan(100);
    expect(covered.length / all.pareto.length).toBeGreaterThanOrEqual(0.98);
  });

  it('recommends a plan within 3% of the exhaustive search’s cost per token, and the same one every time', () => {
    expect(evolved.recommended!.costPerMillionOutputTokens).toBeLessThanOrEqual(all.recommended!.costPerMillionOutputTokens * 1.03);
    const again = optimize({ ...req, space: { ...space, maxPredictions: 400 } });
    expect(again.plans.map((p) => `${p.gpu}/${p.tp}/${p.maxConcurrency}`)).toEqual(evolved.plans.map((p) => `${p.gpu}/${p.tp}/${p.maxConcurrency}`));
  });
});

describe('paretoFront', () => {
  const objs: Objective<[number, number]>[] = [
    { get: (p) => p[0], sense: 'min' },
    { get: (p) => p[1], sense: 'max' },
  ];
  it('keeps exactly the non-dominated points', () => {
    const pts: [number, number][] = [[1, 1], [2, 3], [3, 3], [2, 2], [0, 0]];
    expect(paretoFront(pts, objs)).toEqual([[1, 1], [2, 3], [0, 0]]);
  });
});

describe('optimize with disaggregated units', () => {
  const r = optimize({
    model: 'llama-3.1-70b',
    clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 12 }] }, { name: 'tiny', gpus: [{ gpu: 'h100_sxm', count: 1 }] }],
    workload: { isl: 4096, osl: 256 },
    precision: { weights: 'fp8' },
    slo: { ttftMs: 5000, tpotMs: 80 },
    space: { tp: [1, 2, 4, 8], pp: [1], concurrency: [8, 64] },
    disaggregated: true,
  });
  const disagg = r.plans.filter((p) => p.disagg);

  it('offers prefill:decode units whose GPUs add up and fit the pool', () => {
    expect(disagg.length).toBeGreaterThan(0);
    for (const p of disagg) {
      const d = p.disagg!;
      expect(d.prefillGpus).toBe(d.prefillWorkers * d.prefillTp);
      expect(d.decodeGpus).toBe(d.decodeWorkers * d.decodeTp);
      expect(p.gpusPerReplica).toBe(d.prefillGpus + d.decodeGpus);
      expect(p.cluster).toBe('lab');
      expect(p.gpusPerReplica).toBeLessThanOrEqual(12);
      expect(p.memory.fits).toBe(true);
    }
    // Several ratios are tried, not one.
    expect(new Set(disagg.map((p) => `${p.disagg!.prefillWorkers}:${p.disagg!.decodeWorkers}`)).size).toBeGreaterThan(1);
  });

  it('says why a pool cannot disaggregate or a role does not fit', () => {
    expect(r.rejected.some((x) => x.kind === 'disagg_needs_two_gpus' && x.cluster === 'tiny')).toBe(true);
    // 70B FP8 weights (~66 GiB) do not fit one 80 GB H100 with room for a prompt's activations and KV.
    const prefill = r.rejected.find((x) => x.kind === 'prefill_does_not_fit' && x.prefillTp === 1);
    expect(prefill?.reason).toMatch(/^prefill worker \(tp1\): /);
    expect(r.rejected.some((x) => x.kind === 'decode_does_not_fit' && x.tp === 1)).toBe(true);
    expect(r.rejected.some((x) => x.disaggregated && x.kind === 'replica_exceeds_pool')).toBe(true);
  });

  it('leaves the aggregated search unchanged when not asked', () => {
    const agg = optimize({ model: 'llama-3.1-70b', clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 12 }] }], workload: { isl: 4096, osl: 256 }, precision: { weights: 'fp8' }, space: { tp: [1, 2, 4, 8], pp: [1], concurrency: [8, 64] } });
    expect(agg.plans.some((p) => p.disagg)).toBe(false);
    expect(r.plans.filter((p) => !p.disagg).length).toBe(agg.plans.length);
  });
});
