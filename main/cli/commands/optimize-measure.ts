import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { action } from '../run';
import { print, table } from '../output';
import { FoundryError, fromShape } from '../../core/errors';
import type { OptimizerMeasurement } from '../../core/optimizer/measurements';
import { parseConcurrency } from './concurrency-arg';
import { keyOptions, readApiKey, type KeySourceOptions } from './endpoints-key';
import { follow } from './system';

const signed = (pct: number | null) => (pct === null ? '-' : `${pct >= 0 ? '+' : ''}${pct.toFixed(0)}%`);
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The measurements of a run as a table: measured, predicted at that load, and the signed error of each metric. */
export function measurementsTable(list: OptimizerMeasurement[]): string {
  return table(
    list.map((m) => ({
      id: m.id,
      plan: m.plan,
      clients: m.measured.concurrency,
      'isl/osl': `${m.measured.isl}/${m.measured.osl}`,
      'ttft ms': `${ms(m.measured.ttftMs)} vs ${ms(m.predicted.ttftMs)} (${signed(m.errorPct.ttft)})`,
      'tpot ms': `${ms(m.measured.tpotMs)} vs ${ms(m.predicted.tpotMs)} (${signed(m.errorPct.tpot)})`,
      'tok/s': m.measured.outputTokensPerSec === null ? `- vs ${m.predicted.outputTokensPerSec.toFixed(0)}` : `${m.measured.outputTokensPerSec.toFixed(0)} vs ${m.predicted.outputTokensPerSec.toFixed(0)} (${signed(m.errorPct.throughput)})`,
      note: m.note ?? '',
    })),
    ['id', 'plan', 'clients', 'isl/osl', 'ttft ms', 'tpot ms', 'tok/s', 'note'],
  );
}

function positive(flag: string, raw: string | undefined, whole: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0) || (whole && !Number.isInteger(n))) {
    throw new FoundryError({ code: 'INVALID_INPUT', message: `${flag}: "${raw}" is not a positive ${whole ? 'whole ' : ''}number.`, hint: 'Example: foundry optimize-measure RUN_ID --concurrency 64 --ttft 850 --tpot 31.5' });
  }
  return n;
}

interface MeasureOptions extends KeySourceOptions {
  from?: string[];
  concurrency?: string;
  ttft?: string;
  tpot?: string;
  throughput?: string;
  plan?: string;
  isl?: string;
  osl?: string;
  note?: string;
  remove?: boolean;
  endpoint?: string;
  requests?: string;
  through?: string;
}

/** With --through, the gateway key (from stdin or an environment variable); without it, no key option at all. */
async function gatewayKey(opts: MeasureOptions): Promise<{ clusterId: string; apiKey: string } | undefined> {
  const key = await readApiKey(opts);
  if (opts.through === undefined) {
    if (key !== undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: "An API key is only taken with --through (the gateway's key); the endpoint's own key is stored with it.", hint: 'Drop --api-key-stdin / --api-key-env, or add --through CLUSTER.' });
    return undefined;
  }
  if (key === undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: "--through calls the cluster's gateway, which needs one of the API keys Foundry issued.", hint: 'Give it with --api-key-env FOUNDRY_API_KEY or --api-key-stdin.' });
  return { clusterId: opts.through, apiKey: key };
}

function fromFlags(opts: MeasureOptions): { concurrency: number; ttftMs: number; tpotMs: number; outputTokensPerSec?: number; isl?: number; osl?: number } {
  for (const flag of ['concurrency', 'ttft', 'tpot'] as const) {
    if (opts[flag] === undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: `--${flag} is required (or give --from with a benchmark result file).`, hint: 'Example: foundry optimize-measure RUN_ID --concurrency 64 --ttft 850 --tpot 31.5' });
  }
  return {
    concurrency: positive('--concurrency', opts.concurrency, true)!,
    ttftMs: positive('--ttft', opts.ttft, false)!,
    tpotMs: positive('--tpot', opts.tpot, false)!,
    ...(opts.throughput === undefined ? {} : { outputTokensPerSec: positive('--throughput', opts.throughput, false) }),
    ...(opts.isl === undefined ? {} : { isl: positive('--isl', opts.isl, true) }),
    ...(opts.osl === undefined ? {} : { osl: positive('--osl', opts.osl, true) }),
  };
}

function readResultFile(file: string): { name: string; text: string } {
  try {
    return { name: file, text: readFileSync(file, 'utf8') };
  } catch (cause) {
    throw new FoundryError({ code: 'INVALID_INPUT', message: `--from: cannot read ${file}.`, hint: 'Check the path.', cause });
  }
}

export function registerOptimizeMeasure(program: Command): void {
  keyOptions(program
    .command('optimize-measure <runId>')
    .description("record what one replica of a run's deployed plan measured; prints it beside the prediction for that plan at the measured load")
    .option('--from <file>', 'a result file of `vllm bench serve --save-result` or SGLang bench_serving --output-file (one replica, run with --max-concurrency); repeatable, one measurement per run in it', (v: string, all: string[] = []) => [...all, v])
    .option('--concurrency <n>', 'concurrent clients on the replica while measuring')
    .option('--ttft <ms>', 'measured mean time to first token, ms')
    .option('--tpot <ms>', 'measured mean time per output token, ms')
    .option('--throughput <tok/s>', 'measured output tokens per second of the replica')
    .option('--plan <index>', "the plan's index in the run's plans (default: the recommended plan)")
    .option('--isl <tokens>', "the benchmark's input tokens (default: the run's)")
    .option('--osl <tokens>', "the benchmark's output tokens (default: the run's)")
    .option('--note <text>', 'how it was measured (tool, duration); with --from, each file names itself')
    .option('--endpoint <name>', 'measure it now: load-test this endpoint from `foundry endpoints list` (the deployed engine) with --concurrency clients (a sweep such as 4,16,64 records one measurement per level), and record the means')
    .option('--requests <n>', 'with --endpoint: requests at each level (default 4 per client, at least 16)')
    .option('--through <cluster>', "with --endpoint: measure it through this cluster's Foundry gateway (by the API server's service proxy, like the Playground) with a gateway API key from --api-key-env or --api-key-stdin; each TTFT is recorded less the path's round trip"))
    .action(
      action(program, async (ctx, runId: string, opts: MeasureOptions) => {
        const planIndex = opts.plan === undefined ? undefined : Number(opts.plan);
        if (planIndex !== undefined && !(Number.isInteger(planIndex) && planIndex >= 0)) {
          throw new FoundryError({ code: 'INVALID_INPUT', message: `--plan: "${opts.plan}" is not a plan index (0, 1, 2 …).`, hint: 'foundry optimize-runs RUN_ID --json lists the plans in order.' });
        }
        let recorded: OptimizerMeasurement[];
        if (opts.through !== undefined && opts.endpoint === undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: '--through measures an endpoint through a gateway; name the endpoint with --endpoint.', hint: 'Example: foundry optimize-measure RUN_ID --endpoint llama-70b-lab --through edge --concurrency 16 --api-key-env FOUNDRY_API_KEY' });
        if (opts.endpoint !== undefined) {
          const typed = (['from', 'ttft', 'tpot', 'throughput', 'note'] as const).filter((f) => opts[f] !== undefined);
          if (typed.length > 0) throw new FoundryError({ code: 'INVALID_INPUT', message: `--endpoint measures the values itself; ${typed.map((f) => `--${f}`).join(', ')} cannot be given with it.`, hint: 'Example: foundry optimize-measure RUN_ID --endpoint llama-70b-lab --concurrency 16' });
          if (opts.concurrency === undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: '--endpoint needs --concurrency: how many clients to measure with.', hint: "Use the plan's max concurrency, e.g. --concurrency 64." });
          const levels = parseConcurrency(opts.concurrency);
          const through = await gatewayKey(opts);
          const started = await ctx.call('optimizer:measure-endpoint', {
            runId,
            endpointId: opts.endpoint,
            ...(through ? { through } : {}),
            concurrency: levels.length === 1 ? levels[0]! : levels,
            ...(planIndex === undefined ? {} : { planIndex }),
            ...(opts.requests === undefined ? {} : { requests: positive('--requests', opts.requests, true) }),
            ...(opts.isl === undefined ? {} : { isl: positive('--isl', opts.isl, true) }),
            ...(opts.osl === undefined ? {} : { osl: positive('--osl', opts.osl, true) }),
          });
          const done = await follow(ctx, started);
          if (done.status !== 'succeeded') throw fromShape(done.error ?? { code: 'INTERNAL', message: `The measurement job ended ${done.status}.` });
          recorded = (done.result as { measurements: OptimizerMeasurement[] }).measurements;
        } else if (opts.from) {
          const typed = (['concurrency', 'ttft', 'tpot', 'throughput', 'isl', 'osl', 'note'] as const).filter((f) => opts[f] !== undefined);
          if (typed.length > 0) throw new FoundryError({ code: 'INVALID_INPUT', message: `--from reads every value from the result files; ${typed.map((f) => `--${f}`).join(', ')} cannot be given with it.`, hint: 'Record a typed-in measurement in a separate call.' });
          // The core parses and checks every file before it records anything.
          recorded = await ctx.call('optimizer:measure-import', { runId, ...(planIndex === undefined ? {} : { planIndex }), files: opts.from.map(readResultFile) });
        } else {
          const m = fromFlags(opts);
          recorded = [await ctx.call('optimizer:measure', { runId, ...(planIndex === undefined ? {} : { planIndex }), ...m, ...(opts.note ? { note: opts.note } : {}) })];
        }
        print(ctx.json, opts.from || recorded.length > 1 ? recorded : recorded[0], () => [measurementsTable(recorded), ...recorded.flatMap((m) => m.warnings.map((w) => `warning (${m.measured.concurrency} clients): ${w}`))].join('\n'));
      }),
    );

  program
    .command('optimize-measure-rm <measurementId>')
    .description('remove a recorded measurement')
    .action(
      action(program, async (ctx, measurementId: string) => {
        const m = await ctx.call('optimizer:measurement-delete', { measurementId });
        print(ctx.json, m, () => `Removed ${m.id} (${m.plan}).`);
      }),
    );
}
