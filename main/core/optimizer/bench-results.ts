import type { PlanMeasurement } from '../../../optimizer/src/index';
import { FoundryError } from '../errors';

/**
 * Reads the result files of `vllm bench serve --save-result` (one JSON object) and SGLang's `bench_serving
 * --output-file` (one JSON object per line, a line per run) into measurements of one replica. Both write the same
 * keys: max_concurrency, completed, total_input_tokens, total_output_tokens, mean_ttft_ms, mean_tpot_ms and
 * output_throughput.
 */
export type BenchMeasurement = PlanMeasurement & { note: string };

const bad = (source: string, what: string) =>
  new FoundryError({
    code: 'INVALID_INPUT',
    message: `${source}: ${what}`,
    hint: 'Give the JSON that `vllm bench serve --save-result` or SGLang `bench_serving --output-file` wrote, from a run with --max-concurrency.',
  });

function objects(text: string, source: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (!trimmed) throw bad(source, 'the file is empty.');
  try {
    const one = JSON.parse(trimmed) as unknown;
    if (one && typeof one === 'object' && !Array.isArray(one)) return [one as Record<string, unknown>];
    if (Array.isArray(one)) return one as Record<string, unknown>[];
  } catch {
    // Not one document: JSON lines, as SGLang appends them.
  }
  return trimmed.split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw bad(source, `line ${i + 1} is not JSON.`);
    }
  });
}

function positive(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(where, `${key} is ${v === undefined ? 'missing' : JSON.stringify(v)}; a positive number is needed.`);
  return v;
}

export function parseBenchResults(text: string, source: string): BenchMeasurement[] {
  return objects(text, source).map((o, i, all) => {
    const where = all.length > 1 ? `${source} (result ${i + 1})` : source;
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad(where, 'is not a JSON object of benchmark results.');
    if (o.max_concurrency === null || o.max_concurrency === undefined) throw bad(where, 'max_concurrency is not set: the run sent requests without a concurrency limit, so the load per replica is unknown.');
    const concurrency = positive(o, 'max_concurrency', where);
    const completed = positive(o, 'completed', where);
    const throughput = o.output_throughput;
    return {
      concurrency: Math.round(concurrency),
      isl: Math.max(1, Math.round(positive(o, 'total_input_tokens', where) / completed)),
      osl: Math.max(1, Math.round(positive(o, 'total_output_tokens', where) / completed)),
      ttftMs: positive(o, 'mean_ttft_ms', where),
      tpotMs: positive(o, 'mean_tpot_ms', where),
      ...(typeof throughput === 'number' && throughput > 0 ? { outputTokensPerSec: throughput } : {}),
      note: `${typeof o.backend === 'string' ? `${o.backend} ` : ''}bench, ${completed} requests (${source.split('/').pop()})`.slice(0, 200),
    };
  });
}
