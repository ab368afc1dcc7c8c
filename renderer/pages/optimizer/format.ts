/** Display formatting for optimizer numbers and plans; pure so it is tested without a DOM. */
import type { OptimizerRunSummary } from '../../../main/core/optimizer/service';
import type { Plan, Rejected } from '../../../optimizer/src/search';
import type { Backend } from './form';

/**
 * The engines a run can plan for: a short label for the picker, the full name for sentences, and the engine's own
 * memory knob (the optimizer's kv-budget.ts; the renderer may not import its values).
 */
export const BACKENDS: { value: Backend; label: string; name: string; memoryKnob: string }[] = [
  { value: 'vllm', label: 'vLLM', name: 'vLLM', memoryKnob: 'gpu_memory_utilization' },
  { value: 'sglang', label: 'SGLang', name: 'SGLang', memoryKnob: 'mem_fraction_static' },
  { value: 'trtllm', label: 'TRT-LLM', name: 'TensorRT-LLM', memoryKnob: 'free_gpu_memory_fraction' },
];

export const backendName = (b: string): string => BACKENDS.find((x) => x.value === b)?.name ?? b;

const nf = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Parameter counts as people say them: "70.6 B", "8.0 B", "567 M". */
export function formatParams(n: number): string {
  if (n >= 1e12) return `${nf(2).format(n / 1e12)} T`;
  if (n >= 1e9) return `${nf(1).format(n / 1e9)} B`;
  return `${nf(0).format(n / 1e6)} M`;
}

/** "70.6 B params", or "235.1 B params · 22.2 B active" for a mixture of experts. */
export function paramsLine(model: { params: number; activeParams: number }): string {
  const total = `${formatParams(model.params)} params`;
  return model.activeParams < model.params * 0.98 ? `${total} · ${formatParams(model.activeParams)} active` : total;
}

/** Milliseconds with precision that fits the size: "56.3 ms", "1,386 ms", "15.8 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${nf(1).format(ms / 1000)} s`;
  if (ms >= 100) return `${nf(0).format(ms)} ms`;
  return `${nf(1).format(ms)} ms`;
}

export function formatTokensPerSec(v: number): string {
  return `${nf(v >= 100 ? 0 : 1).format(v)} tok/s`;
}

export function formatUsd(v: number): string {
  return `$${nf(2).format(v)}`;
}

export function formatContext(tokens: number): string {
  return tokens >= 1024 && tokens % 1024 === 0 ? `${tokens / 1024}k ctx` : `${nf(0).format(tokens)} ctx`;
}

/** "tp4 pp1"; attention DP with its experts expert-parallel: "dp8 ep8" (the library's layoutLabel; the renderer may not import its values). */
export const replicaLayout = (p: Pick<Rejected, 'tp' | 'pp' | 'attentionDp'>): string =>
  p.attentionDp && p.attentionDp > 1 ? `dp${p.attentionDp} ep${p.attentionDp}` : `tp${p.tp} pp${p.pp}`;

/** "tp4 pp1", "dp8 ep8", or for a disaggregated plan its two pools: "prefill 1×tp4 + decode 2×tp8". */
export const layoutLabel = (p: Pick<Plan, 'tp' | 'pp' | 'attentionDp' | 'disagg'>): string =>
  p.disagg ? `prefill ${p.disagg.prefillWorkers}×tp${p.disagg.prefillTp} + decode ${p.disagg.decodeWorkers}×tp${p.disagg.decodeTp}` : replicaLayout(p);

/** Identifies a plan across the plans, pareto and rejected lists (they are separate objects after JSON). */
export const planKey = (p: Pick<Rejected, 'cluster' | 'gpu' | 'tp' | 'pp' | 'attentionDp' | 'maxConcurrency'> & { disagg?: Plan['disagg'] }): string =>
  `${p.cluster}/${p.gpu}/tp${p.tp}/pp${p.pp}` + (p.attentionDp && p.attentionDp > 1 ? `/dp${p.attentionDp}` : '') + `/c${p.maxConcurrency ?? '-'}` + (p.disagg ? `/p${p.disagg.prefillWorkers}x${p.disagg.prefillTp}d${p.disagg.decodeWorkers}` : '');

/** Output tokens per second per GPU: the chart's y axis and one of the Pareto objectives. */
export const tokensPerGpu = (p: Pick<Plan, 'gpusPerReplica' | 'prediction'>): number => p.prediction.outputTokensPerSec / p.gpusPerReplica;

/** One line for a plan in lists: "lab · a100_80gb_sxm · tp4 pp1 · ×1 · $8.00/h". */
export function planSummary(p: Pick<Plan, 'cluster' | 'gpu' | 'tp' | 'pp' | 'replicas' | 'costPerHour'>): string {
  return `${p.cluster} · ${p.gpu} · ${layoutLabel(p)} · ×${p.replicas} · ${formatUsd(p.costPerHour)}/h`;
}

export type SloState = 'meets' | 'misses' | 'too-big';

/** Where a plan stands: meets the SLOs on the GPUs the cluster has, misses an SLO, or needs more GPUs. */
export function sloState(p: Pick<Plan, 'meetsSlo' | 'fitsCluster'>): SloState {
  if (!p.meetsSlo) return 'misses';
  return p.fitsCluster ? 'meets' : 'too-big';
}

/** What a run asked for (workload, engine, SLOs); runs saved before summaries carried it show nothing. */
export function runAsk(r: Pick<OptimizerRunSummary, 'workload' | 'slo' | 'backend'>): string {
  const slo = r.slo ?? {};
  return [
    `${r.workload.isl.toLocaleString('en-US')}/${r.workload.osl.toLocaleString('en-US')} tokens`,
    r.backend,
    slo.ttftMs !== undefined ? `TTFT ${slo.ttftPercentile ?? 'mean'} ≤ ${formatMs(slo.ttftMs)}` : null,
    slo.tpotMs !== undefined ? `TPOT ≤ ${formatMs(slo.tpotMs)}` : null,
    slo.targetRequestsPerSec !== undefined ? `${slo.targetRequestsPerSec} req/s` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}
