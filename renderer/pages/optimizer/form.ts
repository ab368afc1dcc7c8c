/**
 * The optimizer's inputs as the form holds them (numbers may be blank while typing), checked in the
 * window with the same limits the core's schema applies, so mistakes show beside the field before a
 * call. The core still validates everything; these checks only make its errors rarer.
 */
import type { ChannelInput } from '../../../main/core/channels';
import type { OptimizeInput, OptimizerCatalog } from '../../../main/core/optimizer/service';
import { formatConcurrency, parseConcurrency } from './concurrency';

export type Backend = 'vllm' | 'sglang' | 'trtllm';
type Num = number | '';

/** One GPU pool of one cluster; rows with the same cluster name form one cluster. */
export interface PoolRow {
  key: string;
  cluster: string;
  gpu: string | null;
  count: Num;
  /** Blank means the catalog's price. */
  price: Num;
}

export interface OptimizerForm {
  name: string;
  model: string | null;
  isl: Num;
  osl: Num;
  backend: Backend;
  /** The engine release to plan for; blank: the newest the optimizer knows. */
  engineVersion: string;
  /** Also plan disaggregated prefill/decode units. */
  disaggregated: boolean;
  /** For an MoE model, also plan attention DP with expert parallelism. */
  attentionDp: boolean;
  /** The engine's memory knob (gpu_memory_utilization, mem_fraction_static, free_gpu_memory_fraction); blank: its default. */
  memoryFraction: Num;
  /** Max concurrency values to plan, as typed (`1-256`, `8,16,64`); blank: the optimizer's default grid. */
  concurrency: string;
  /** Calibrate with the measurements recorded for this model and engine. */
  calibrate: boolean;
  ttftMs: Num;
  ttftPercentile: 'mean' | 'p90';
  tpotMs: Num;
  targetRps: Num;
  pools: PoolRow[];
}

export type RunInput = ChannelInput<'optimizer:run'>;
export type FormErrors = Record<string, string>;

let nextKey = 0;
export const newPoolKey = (): string => `pool-${++nextKey}`;

export function newPool(cluster = 'local'): PoolRow {
  return { key: newPoolKey(), cluster, gpu: null, count: 8, price: '' };
}

export function defaultForm(): OptimizerForm {
  return { name: '', model: null, isl: 1024, osl: 256, backend: 'vllm', engineVersion: '', disaggregated: false, attentionDp: true, memoryFraction: '', concurrency: '', calibrate: false, ttftMs: '', ttftPercentile: 'mean', tpotMs: '', targetRps: '', pools: [newPool()] };
}

/** NumberInput hands back strings while a value is half typed; only finite numbers count. */
export function toNum(v: number | string): Num {
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : '';
}

// The core's pattern (optimizer ENGINE_RELEASE_PATTERN); the renderer may not import it, so it is repeated here.
const RELEASE = /^v?\d+\.\d+(\.\d+)?([.-]?[0-9A-Za-z.]+)?$/;

const LIMITS = { isl: 1_048_576, osl: 262_144, count: 100_000, price: 1000, rps: 1e6, clusters: 20, poolsPerCluster: 20 } as const;

function positiveInt(v: Num, max: number, what: string): string | undefined {
  if (v === '') return `Enter ${what}`;
  if (!Number.isInteger(v) || v <= 0) return 'A whole number above 0';
  return v > max ? `At most ${max.toLocaleString('en-US')}` : undefined;
}

function optionalPositive(v: Num, max = Number.POSITIVE_INFINITY): string | undefined {
  if (v === '') return undefined;
  if (v <= 0) return 'Above 0, or leave blank';
  return v > max ? `At most ${max.toLocaleString('en-US')}` : undefined;
}

/** Errors keyed by field: `model`, `isl`, `pools.<key>.gpu`, … An empty object means the form can run. */
export function validate(form: OptimizerForm, catalog: Pick<OptimizerCatalog, 'models'> | undefined): FormErrors {
  const e: FormErrors = {};
  const set = (k: string, msg: string | undefined) => {
    if (msg) e[k] = msg;
  };
  if (!form.model) e.model = 'Choose a model';
  set('isl', positiveInt(form.isl, LIMITS.isl, 'input tokens'));
  set('osl', positiveInt(form.osl, LIMITS.osl, 'output tokens'));
  const model = catalog?.models.find((m) => m.id === form.model);
  if (model && !e.isl && !e.osl && (form.isl as number) + (form.osl as number) > model.maxContext) {
    e.isl = `Input + output (${((form.isl as number) + (form.osl as number)).toLocaleString('en-US')}) exceeds the model's ${model.maxContext.toLocaleString('en-US')}-token context`;
  }
  if (form.memoryFraction !== '' && !(form.memoryFraction > 0 && form.memoryFraction <= 1)) e.memoryFraction = 'A share of memory: above 0, at most 1';
  if (form.concurrency.trim() !== '') {
    const parsed = parseConcurrency(form.concurrency);
    if ('error' in parsed) e.concurrency = parsed.error;
  }
  set('ttftMs', optionalPositive(form.ttftMs));
  set('tpotMs', optionalPositive(form.tpotMs));
  set('targetRps', optionalPositive(form.targetRps, LIMITS.rps));
  if (form.name.length > 80) e.name = 'At most 80 characters';
  const release = form.engineVersion.trim();
  if (release && (release.length > 40 || !RELEASE.test(release))) e.engineVersion = 'A release number, e.g. 0.19.0 or 1.2.0rc6';

  if (form.pools.length === 0) e.pools = 'Add at least one GPU pool';
  const seen = new Set<string>();
  for (const p of form.pools) {
    const cluster = p.cluster.trim();
    if (!cluster) e[`pools.${p.key}.cluster`] = 'Name the cluster';
    else if (cluster.length > 63) e[`pools.${p.key}.cluster`] = 'At most 63 characters';
    if (!p.gpu) e[`pools.${p.key}.gpu`] = 'Choose a GPU';
    else if (seen.has(`${cluster}\u0000${p.gpu}`)) e[`pools.${p.key}.gpu`] = `Already listed for ${cluster}`;
    if (p.gpu) seen.add(`${cluster}\u0000${p.gpu}`);
    set(`pools.${p.key}.count`, positiveInt(p.count, LIMITS.count, 'a count'));
    if (p.price !== '' && (p.price < 0 || p.price > LIMITS.price)) e[`pools.${p.key}.price`] = `0 to ${LIMITS.price}`;
  }
  const clusters = new Map<string, number>();
  for (const p of form.pools) clusters.set(p.cluster.trim(), (clusters.get(p.cluster.trim()) ?? 0) + 1);
  if (clusters.size > LIMITS.clusters) e.pools = `At most ${LIMITS.clusters} clusters`;
  else if ([...clusters.values()].some((n) => n > LIMITS.poolsPerCluster)) e.pools = `At most ${LIMITS.poolsPerCluster} GPU pools per cluster`;
  return e;
}

/** The channel input for a valid form; rows sharing a cluster name become one cluster's pools. */
export function toRequest(form: OptimizerForm): RunInput {
  const clusters = new Map<string, RunInput['clusters'][number]>();
  for (const p of form.pools) {
    const name = p.cluster.trim();
    const cluster = clusters.get(name) ?? { name, gpus: [] };
    cluster.gpus.push({ gpu: p.gpu ?? '', count: Number(p.count), ...(p.price === '' ? {} : { pricePerGpuHour: p.price }) });
    clusters.set(name, cluster);
  }
  const slo: NonNullable<RunInput['slo']> = {};
  if (form.ttftMs !== '') {
    slo.ttftMs = form.ttftMs;
    slo.ttftPercentile = form.ttftPercentile;
  }
  if (form.tpotMs !== '') slo.tpotMs = form.tpotMs;
  if (form.targetRps !== '') slo.targetRequestsPerSec = form.targetRps;
  return {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    model: form.model ?? '',
    clusters: [...clusters.values()],
    workload: { isl: Number(form.isl), osl: Number(form.osl) },
    slo,
    backend: form.backend,
    ...(form.engineVersion.trim() ? { engineVersion: form.engineVersion.trim() } : {}),
    disaggregated: form.disaggregated,
    attentionDp: form.attentionDp,
    ...(form.memoryFraction === '' ? {} : { memoryFraction: form.memoryFraction }),
    ...concurrencyField(form.concurrency),
    calibrate: form.calibrate,
  };
}

function concurrencyField(text: string): Pick<RunInput, 'concurrency'> {
  if (text.trim() === '') return {};
  const parsed = parseConcurrency(text);
  return 'values' in parsed ? { concurrency: parsed.values } : {};
}

/** Fills the form from a saved run, so it can be changed and run again. */
export function fromRequest(req: Omit<OptimizeInput, 'disaggregated' | 'attentionDp' | 'calibrate'> & { disaggregated?: boolean; attentionDp?: boolean; calibrate?: boolean }): OptimizerForm {
  return {
    name: '',
    model: req.model,
    isl: req.workload.isl,
    osl: req.workload.osl,
    backend: req.backend,
    engineVersion: req.engineVersion ?? '',
    // Runs saved before disaggregation was offered lack the field.
    disaggregated: req.disaggregated ?? false,
    attentionDp: req.attentionDp ?? true,
    memoryFraction: req.memoryFraction ?? '',
    concurrency: req.concurrency ? formatConcurrency(req.concurrency) : '',
    // Runs saved before calibration was offered lack the field.
    calibrate: req.calibrate ?? false,
    ttftMs: req.slo.ttftMs ?? '',
    ttftPercentile: req.slo.ttftPercentile ?? 'mean',
    tpotMs: req.slo.tpotMs ?? '',
    targetRps: req.slo.targetRequestsPerSec ?? '',
    pools: req.clusters.flatMap((c) => c.gpus.map((g) => ({ key: newPoolKey(), cluster: c.name, gpu: g.gpu, count: g.count, price: g.pricePerGpuHour ?? '' }))),
  };
}
