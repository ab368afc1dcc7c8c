import type { Command } from 'commander';
import { action } from '../run';
import { print, table } from '../output';
import { FoundryError } from '../../core/errors';
import type { OptimizerRun } from '../../core/optimizer/service';
import { measurementsTable } from './optimize-measure';
import { parseConcurrency } from './concurrency-arg';
import { engineLabel, FEATURE_NAMES, gib, layoutLabel, NEWEST_ENGINE_RELEASES, type Plan } from '../../../optimizer/src/index';

/** `--gpus [cluster=]gpu:count[@price][,gpu:count…]`, repeatable; clusters without a name are "local". */
export function parseGpus(values: string[]): { name: string; gpus: { gpu: string; count: number; pricePerGpuHour?: number }[] }[] {
  const clusters = new Map<string, { gpu: string; count: number; pricePerGpuHour?: number }[]>();
  for (const value of values) {
    const [name, list] = value.includes('=') ? (value.split('=', 2) as [string, string]) : ['local', value];
    for (const item of list.split(',').filter(Boolean)) {
      const m = /^([^:@]+):(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(item.trim());
      if (!m) {
        throw new FoundryError({ code: 'INVALID_INPUT', message: `--gpus: "${item}" is not GPU:COUNT[@PRICE].`, hint: 'Example: --gpus eks-prod=h100_sxm:16 --gpus onprem=a100_80gb_sxm:8@1.10' });
      }
      const entry = { gpu: m[1]!, count: Number(m[2]), ...(m[3] ? { pricePerGpuHour: Number(m[3]) } : {}) };
      clusters.set(name, [...(clusters.get(name) ?? []), entry]);
    }
  }
  return [...clusters].map(([name, gpus]) => ({ name, gpus }));
}

/** `--slo ttft=500,tpot=40,rps=20,p90` */
export function parseSlo(value: string | undefined): { ttftMs?: number; tpotMs?: number; targetRequestsPerSec?: number; ttftPercentile?: 'mean' | 'p90' } {
  const slo: ReturnType<typeof parseSlo> = {};
  for (const part of (value ?? '').split(',').filter(Boolean)) {
    const [key, raw] = part.split('=') as [string, string | undefined];
    const n = Number(raw);
    if (key === 'p90' && raw === undefined) slo.ttftPercentile = 'p90';
    else if (key === 'ttft' && n > 0) slo.ttftMs = n;
    else if (key === 'tpot' && n > 0) slo.tpotMs = n;
    else if (key === 'rps' && n > 0) slo.targetRequestsPerSec = n;
    else throw new FoundryError({ code: 'INVALID_INPUT', message: `--slo: "${part}" is not one of ttft=MS, tpot=MS, rps=N, p90.` });
  }
  return slo;
}

const planRow = (p: Plan) => ({
  cluster: p.cluster,
  gpu: p.gpu,
  layout: p.disagg ? `P ${p.disagg.prefillWorkers}×tp${p.disagg.prefillTp} + D ${p.disagg.decodeWorkers}×tp${p.disagg.decodeTp}` : layoutLabel(p),
  seqs: p.maxConcurrency,
  replicas: p.replicas,
  gpus: p.totalGpus,
  ttftMs: Math.round(p.prediction.ttftMs),
  tpotMs: p.prediction.tpotMs.toFixed(1),
  tokPerS: Math.round(p.prediction.outputTokensPerSec),
  usdPerHour: p.costPerHour.toFixed(2),
  usdPerMTok: p.costPerMillionOutputTokens.toFixed(2),
  slo: p.meetsSlo ? 'yes' : 'no',
});
const PLAN_COLUMNS = ['cluster', 'gpu', 'layout', 'seqs', 'replicas', 'gpus', 'ttftMs', 'tpotMs', 'tokPerS', 'usdPerHour', 'usdPerMTok', 'slo'] as const;

/** A rejected option with its machine-readable kind beside the human reason (runs saved before kinds show "-"). */
export const rejectedRow = (r: OptimizerRun['result']['rejected'][number]) => ({
  cluster: r.cluster,
  gpu: r.gpu,
  layout: r.disaggregated ? `P tp${r.prefillTp} + D tp${r.tp}` : layoutLabel(r),
  maxConcurrency: r.maxConcurrency ?? '',
  kind: r.kind ?? '-',
  reason: r.reason,
});


/** What calibrated the run, and what it did to the recommended plan. */
export function calibrationLines(run: OptimizerRun): string[] {
  const c = run.result.calibration;
  if (!c || c.points.length === 0) return run.request.calibrate ? ['Calibrated: no measurements of this model on this engine are recorded yet (optimize-measure records them).'] : [];
  const deployments = new Set(c.points.map((p) => p.deployment)).size;
  const lines = [`Calibrated with ${c.points.length} measurement(s) of ${deployments} deployment(s): ${c.plans} plan(s) predicted at the measured level, the others as the optimizer predicts them.`];
  const r = run.result.recommended?.prediction.calibration;
  if (r) {
    // Runs saved by the first release of calibration had one basis for both.
    const ttftBasis = r.ttftBasis ?? r.basis;
    const ttft = ttftBasis === 'none' ? 'TTFT as predicted (none measured at this input length)' : `TTFT ×${r.ttftFactor.toFixed(2)}`;
    const where = ttftBasis === r.basis || ttftBasis === 'none' ? r.basis : `TPOT at ${r.basis}, TTFT at the ${ttftBasis}`;
    lines.push(`The recommended plan's deployment was measured: ${ttft}, TPOT ×${r.tpotFactor.toFixed(2)} (${r.points} point(s), ${where}).`);
  }
  return lines;
}

/** Where the recommended plan's time goes, term by term, and its memory: what the page's breakdown shows. */
export function breakdownLines(plan: Plan): string[] {
  const { breakdown, ttftMs, tpotMs } = plan.prediction;
  const fmt = (ms: number, digits: number) => ms.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const sum = (what: 'ttft' | 'tpot', total: number, digits: number) => {
    const b = breakdown[what];
    const terms = FEATURE_NAMES.filter((t) => Math.abs(b[t]) >= 0.05).map((t) => `${t} ${fmt(b[t], digits)}`);
    const signed = (label: string, ms: number | undefined) => (ms ? `, ${label} ${ms > 0 ? '+' : '−'}${fmt(Math.abs(ms), digits)}` : '');
    return `${what.toUpperCase()} ${fmt(total, digits)} ms = ${terms.join(' + ')}${signed('learned correction', b.correction)}${signed('calibration', b.calibration)}`;
  };
  const out = breakdown ? [sum('ttft', ttftMs, 0), sum('tpot', tpotMs, 1)] : [];
  const m = plan.memory;
  if (m) {
    const knob = m.budget ? ` (${engineLabel(m.budget.rule)} ${m.budget.knob} ${m.budget.fraction})` : '';
    out.push(`Memory per GPU${knob}: weights ${gib(m.weights.total)}, KV cache ${gib(Math.max(0, m.kvBudgetBytes))}, room for ${m.maxConcurrency.toLocaleString('en-US')} sequences of ${m.contextTokens.toLocaleString('en-US')} tokens`);
  }
  return out;
}

export function describeRun(run: OptimizerRun, showRejected: boolean): string {
  const { result } = run;
  const { backend, engineVersion } = run.request;
  const engine = `${backend} ${engineVersion ?? `${NEWEST_ENGINE_RELEASES[backend] ?? 'newest'} (newest known)`}`;
  const how = result.search?.method === 'nsga2' ? `NSGA-II: ${result.evaluated} of ${result.search.candidates} layout × concurrency points predicted` : `${result.evaluated} layouts evaluated`;
  const lines = [`Run ${run.id}: ${run.name} (${how}, ${engine})`, ...calibrationLines(run), ''];
  if (result.recommended) {
    lines.push('Recommended:', table([planRow(result.recommended)], [...PLAN_COLUMNS]));
    const d = result.recommended.disagg;
    if (d) {
      lines.push(
        '',
        `Disaggregated: ${d.prefillWorkers} prefill worker(s) × tp${d.prefillTp} (${d.prefillGpus} GPUs) + ${d.decodeWorkers} decode worker(s) × tp${d.decodeTp} (${d.decodeGpus} GPUs) per replica; ` +
          `KV hand-off ${d.kvTransferMs.toFixed(2)} ms of link time per request; throughput bounded by the ${d.bottleneck} pool.`,
      );
    }
    lines.push('', ...breakdownLines(result.recommended));
  } else {
    lines.push(`No plan meets the SLOs: ${result.noPlanReason ?? 'see the rejected options'}`);
  }
  lines.push('', `Pareto front (${result.pareto.length} plans over latency, throughput per GPU, cost):`, table(result.pareto.map(planRow), [...PLAN_COLUMNS]));
  if (showRejected) lines.push('', 'Rejected:', table(result.rejected.map(rejectedRow), ['cluster', 'gpu', 'layout', 'maxConcurrency', 'kind', 'reason']));
  else lines.push('', `${result.rejected.length} options rejected (--show-rejected lists them with reasons).`);
  // Runs saved before measurements existed come back with none.
  const measured = run.measurements ?? [];
  if (measured.length > 0) lines.push('', 'Measured vs predicted at the measured load (+: predicted more than measured):', measurementsTable(measured));
  return lines.join('\n');
}

export function registerOptimize(program: Command): void {
  program
    .command('optimize')
    .description('predict TTFT/TPOT/throughput for every layout and pick the plan for your SLOs')
    .requiredOption('-m, --model <name>', 'model id or alias (e.g. llama-3.1-70b)')
    .option('-g, --gpus <spec>', '[cluster=]gpu:count[@price], repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--isl <tokens>', 'input tokens per request', '1024')
    .option('--osl <tokens>', 'output tokens per request', '256')
    .option('--slo <list>', 'ttft=MS,tpot=MS,rps=N[,p90]')
    .option('--backend <engine>', 'vllm, sglang or trtllm', 'vllm')
    .option('--engine-version <release>', "the engine release to plan for, e.g. 0.19.0 (default: the newest the optimizer knows)")
    .option('--name <text>', 'a name for the saved run')
    .option('--disagg', 'also plan disaggregated prefill/decode units (prefill:decode worker ratio chosen)')
    .option('--no-attention-dp', 'for an MoE model, plan tensor-parallel layouts only (no attention DP with expert parallelism)')
    .option('--concurrency <list>', 'max concurrency values to plan: 1-256, 8,16,64 … (default 1,2,4 … 256; a grid too large to predict at every point is searched with NSGA-II)')
    .option('--memory-fraction <f>', "the engine's memory knob: vLLM gpu_memory_utilization, SGLang mem_fraction_static, TensorRT-LLM free_gpu_memory_fraction (default: the engine's own)")
    .option('--calibrate', 'calibrate with the measurements recorded for this model and engine (optimize-measure): plans of a measured deployment are predicted at the measured level')
    .option('--show-rejected', 'list every rejected option with its kind and reason')
    .action(
      action(program, async (ctx, opts: { model: string; gpus: string[]; isl: string; osl: string; slo?: string; backend: 'vllm' | 'sglang' | 'trtllm'; engineVersion?: string; name?: string; disagg?: boolean; attentionDp: boolean; concurrency?: string; memoryFraction?: string; calibrate?: boolean; showRejected?: boolean }) => {
        if (opts.gpus.length === 0) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Name the GPUs to plan for with --gpus.', hint: 'Example: --gpus eks-prod=h100_sxm:16' });
        const run = await ctx.call('optimizer:run', {
          name: opts.name,
          model: opts.model,
          clusters: parseGpus(opts.gpus),
          workload: { isl: Number(opts.isl), osl: Number(opts.osl) },
          slo: parseSlo(opts.slo),
          backend: opts.backend,
          ...(opts.engineVersion ? { engineVersion: opts.engineVersion } : {}),
          disaggregated: Boolean(opts.disagg),
          attentionDp: opts.attentionDp,
          ...(opts.concurrency ? { concurrency: parseConcurrency(opts.concurrency) } : {}),
          ...(opts.memoryFraction !== undefined ? { memoryFraction: Number(opts.memoryFraction) } : {}),
          calibrate: Boolean(opts.calibrate),
        });
        print(ctx.json, run, () => describeRun(run, Boolean(opts.showRejected)));
      }),
    );

  program
    .command('optimize-runs [runId]')
    .description('list saved optimizer runs, or show one')
    .action(
      action(program, async (ctx, runId?: string) => {
        if (runId) {
          const run = await ctx.call('optimizer:get', { runId });
          print(ctx.json, run, () => describeRun(run, false));
          return;
        }
        const runs = await ctx.call('optimizer:runs', {});
        print(ctx.json, runs, () => table(runs.map((r) => ({ ...r, recommended: r.recommended ? `${r.recommended.cluster}/${r.recommended.gpu} ${layoutLabel(r.recommended)} ×${r.recommended.replicas}` : 'none' })), ['id', 'name', 'recommended', 'createdBy', 'createdAt']));
      }),
    );
}
