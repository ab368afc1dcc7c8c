import { describe, expect, it } from 'vitest';
import { parseBenchResults } from './bench-results';

// The keys `vllm bench serve --save-result` writes (a subset; real files carry many more), with made-up values.
const vllm = {
  date: '20261207-101500',
  backend: 'vllm',
  model_id: 'meta-llama/Llama-3.1-70B-Instruct',
  num_prompts: 640,
  request_rate: 'inf',
  burstiness: 1.0,
  max_concurrency: 64,
  duration: 212.4,
  completed: 640,
  total_input_tokens: 655_360,
  total_output_tokens: 163_840,
  request_throughput: 3.01,
  output_throughput: 771.4,
  mean_ttft_ms: 412.7,
  median_ttft_ms: 398.1,
  mean_tpot_ms: 38.9,
};

describe('benchmark result files', () => {
  it("reads vLLM's result JSON into one replica's measurement", () => {
    expect(parseBenchResults(JSON.stringify(vllm, null, 2), '/tmp/vllm-infqps-concurrency64.json')).toEqual([
      { concurrency: 64, isl: 1024, osl: 256, ttftMs: 412.7, tpotMs: 38.9, outputTokensPerSec: 771.4, note: 'vllm bench, 640 requests (vllm-infqps-concurrency64.json)' },
    ]);
  });

  it("reads SGLang's JSON lines, one run per line", () => {
    const lines = [8, 32].map((c) => JSON.stringify({ ...vllm, backend: 'sglang', max_concurrency: c })).join('\n');
    expect(parseBenchResults(lines, 'sweep.jsonl').map((m) => m.concurrency)).toEqual([8, 32]);
  });

  it('says which result and which key is wrong', () => {
    expect(() => parseBenchResults('', 'a.json')).toThrow(/a\.json: the file is empty/);
    expect(() => parseBenchResults(JSON.stringify({ ...vllm, max_concurrency: null }), 'a.json')).toThrow(/max_concurrency is not set/);
    expect(() => parseBenchResults(`${JSON.stringify(vllm)}\n${JSON.stringify({ ...vllm, mean_tpot_ms: 'fast' })}`, 'b.jsonl')).toThrow(/b\.jsonl \(result 2\): mean_tpot_ms is "fast"/);
    expect(() => parseBenchResults('{"x": 1}\nnot json', 'c.jsonl')).toThrow(/line 2 is not JSON/);
    expect(() => parseBenchResults('[null]', 'e.json')).toThrow(/e\.json: is not a JSON object/);
    expect(() => parseBenchResults('5\n6', 'f.jsonl')).toThrow(/f\.jsonl \(result 1\): is not a JSON object/);
    const { completed: _gone, ...noCount } = vllm;
    expect(() => parseBenchResults(JSON.stringify(noCount), 'd.json')).toThrow(/completed is missing/);
  });
});
