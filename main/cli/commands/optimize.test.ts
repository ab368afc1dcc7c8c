import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../core/testing/harness';
import { cliRunner } from '../testing';
import { optimize } from '../../../optimizer/src/index';
import type { OptimizerRun } from '../../core/optimizer/service';
import { parseConcurrency } from './concurrency-arg';
import { breakdownLines, describeRun, parseGpus, parseSlo, rejectedRow } from './optimize';

// The last block runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

describe('foundry optimize arguments', () => {
  it('reads clusters, counts and prices from --gpus', () => {
    expect(parseGpus(['eks=h100_sxm:16', 'onprem=a100_80gb_sxm:8@1.10,l40s:4', 'h200_sxm:8'])).toEqual([
      { name: 'eks', gpus: [{ gpu: 'h100_sxm', count: 16 }] },
      { name: 'onprem', gpus: [{ gpu: 'a100_80gb_sxm', count: 8, pricePerGpuHour: 1.1 }, { gpu: 'l40s', count: 4 }] },
      { name: 'local', gpus: [{ gpu: 'h200_sxm', count: 8 }] },
    ]);
  });

  it('says what a malformed --gpus item should look like', () => {
    expect(() => parseGpus(['eks=h100_sxm'])).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('GPU:COUNT') }));
  });

  it('reads --concurrency as values and ranges, and says what a bad one should look like', () => {
    expect(parseConcurrency('8,16,64')).toEqual([8, 16, 64]);
    expect(parseConcurrency('1-4, 32')).toEqual([1, 2, 3, 4, 32]);
    expect(parseConcurrency('1-512')).toHaveLength(512);
    for (const bad of ['0', '8-4', 'abc', '1-', '2.5']) {
      expect(() => parseConcurrency(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`"${bad}" is not a positive number or a range like 1-256`) }));
    }
  });

  it('reads SLOs and refuses unknown keys', () => {
    expect(parseSlo('ttft=500,tpot=40,rps=20,p90')).toEqual({ ttftMs: 500, tpotMs: 40, targetRequestsPerSec: 20, ttftPercentile: 'p90' });
    expect(parseSlo(undefined)).toEqual({});
    expect(() => parseSlo('latency=5')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('foundry optimize output', () => {
  const input = {
    model: 'llama-3.1-70b',
    clusters: [{ name: 'lab', gpus: [{ gpu: 'h100_sxm', count: 16 }] }],
    workload: { isl: 4096, osl: 256 },
    slo: { ttftMs: 3000, tpotMs: 60 },
    backend: 'vllm' as const,
    disaggregated: true,
    attentionDp: true,
    calibrate: false,
  };
  const result = optimize({ ...input, precision: { weights: 'fp8' }, space: { tp: [1, 2, 4, 8], pp: [1], concurrency: [8, 64] } });
  const run: OptimizerRun = { id: 'r1', name: 'disagg', model: input.model, workload: input.workload, slo: input.slo, backend: 'vllm', createdAt: '2026-01-01T00:00:00Z', createdBy: 'tester', recommended: result.recommended, measured: 0, request: input, result, measurements: [] };

  it('prints each rejected option with its kind code beside its reason', () => {
    const text = describeRun(run, true);
    const rejectedPart = text.slice(text.indexOf('Rejected:'));
    expect(rejectedPart.split('\n')[1]).toMatch(/\bKIND\s+REASON\b/);
    for (const r of result.rejected.slice(0, 20)) {
      const line = rejectedPart.split('\n').find((l) => l.includes(r.reason.slice(0, 40)));
      expect(line, r.reason).toBeDefined();
      expect(line).toContain(r.kind);
    }
    expect(rejectedRow({ ...result.rejected[0]!, kind: undefined as never }).kind).toBe('-');
  });

  it('prints where the recommended plan’s time goes and the memory it was sized with, not raw JSON', () => {
    const plan = result.recommended!;
    const [ttft, tpot, memory] = breakdownLines(plan);
    expect(ttft).toMatch(/^TTFT [\d,]+ ms = roofline [\d,]+ \+ overlap [\d,]+ \+ /);
    expect(tpot).toMatch(/^TPOT [\d.]+ ms = roofline [\d.]+ \+ /);
    // The terms and the correction add up to the total (each rounded to the millisecond).
    const [head, rhs] = ttft!.split(' = ') as [string, string];
    const [physics, correction] = rhs.split(', learned correction ');
    const num = (x: string) => Number(x.replace(/,/g, '').replace('−', '-'));
    const terms = physics!.split(' + ').map((t) => num(t.split(' ').pop()!));
    const total = terms.reduce((a, b) => a + b, 0) + (correction ? num(correction) : 0);
    expect(Math.abs(total - num(head.split(' ')[1]!))).toBeLessThanOrEqual(terms.length * 0.5 + 1);
    expect(memory).toMatch(/^Memory per GPU \(vLLM gpu_memory_utilization 0\.9\): weights [\d.]+ GiB, KV cache [\d.]+ GiB, room for [\d,]+ sequences of 4,352 tokens$/);
    expect(describeRun(run, false)).not.toContain('{"ttft"');
  });

  it('names the engine release the run planned for, the newest known when the request named none', () => {
    expect(describeRun(run, false).split('\n')[0]).toMatch(/^Run r1: disagg \(\d+ layouts evaluated, vllm \d+\.\d+\.\d+ \(newest known\)\)$/);
    expect(describeRun({ ...run, request: { ...input, engineVersion: '0.12.0' } }, false).split('\n')[0]).toContain(', vllm 0.12.0)');
  });

  it('prints disaggregated plans with both pools', () => {
    const disagg = result.plans.filter((p) => p.disagg);
    expect(disagg.length).toBeGreaterThan(0);
    const text = describeRun({ ...run, result: { ...result, pareto: disagg.slice(0, 3), recommended: disagg[0]! } }, false);
    const d = disagg[0]!.disagg!;
    expect(text).toContain(`P ${d.prefillWorkers}×tp${d.prefillTp} + D ${d.decodeWorkers}×tp${d.decodeTp}`);
    expect(text).toMatch(/Disaggregated: \d+ prefill worker\(s\) × tp\d+ \(\d+ GPUs\) \+ \d+ decode worker\(s\)/);
    expect(text).toMatch(/bounded by the (prefill|decode) pool/);
  });
});

/** `foundry optimize` as a user runs it: separate processes on a real FOUNDRY_HOME. */
describe('foundry optimize --no-attention-dp', () => {
  const home = tempDir();
  const foundry = cliRunner(home.path);
  beforeAll(() => {
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
  });
  afterAll(() => home.remove());

  it('plans an MoE model with attention DP by default and without it when told', () => {
    const args = ['optimize', '-m', 'qwen3-30b-a3b', '-g', 'lab=h100_sxm:8', '--json'];
    const withDp = foundry(args);
    expect(withDp.code, withDp.err).toBe(0);
    const dpPlans = (out: string) => (JSON.parse(out) as OptimizerRun).result.plans.filter((p) => (p.attentionDp ?? 1) > 1);
    expect(dpPlans(withDp.out).length).toBeGreaterThan(0);
    const without = foundry([...args, '--no-attention-dp']);
    expect(without.code, without.err).toBe(0);
    expect(dpPlans(without.out)).toEqual([]);
    expect(foundry(['optimize', '-m', 'qwen3-30b-a3b', '-g', 'lab=h100_sxm:8']).out).toMatch(/dp\d ep\d|tp\d pp\d/);
  });

  it("records what a deployed plan measured, shows it with the run, and removes it", () => {
    const run = JSON.parse(foundry(['optimize', '-m', 'llama-3.1-70b', '-g', 'lab=h100_sxm:8', '--concurrency', '16,64', '--json']).out) as OptimizerRun;
    const plan = run.recommended!;
    const r = foundry(['optimize-measure', run.id, '--concurrency', String(plan.maxConcurrency), '--ttft', String(plan.prediction.ttftMs * 2), '--tpot', String(plan.prediction.tpotMs), '--note', 'genai-perf']);
    expect(r.code, r.err).toBe(0);
    // Twice the predicted TTFT measured: the prediction is 50% under; TPOT exactly as predicted.
    expect(r.out).toMatch(/\(-50%\).*\(\+?0%\).*genai-perf/);
    const shown = foundry(['optimize-runs', run.id]);
    expect(shown.out).toContain('Measured vs predicted at the measured load');
    const id = /\b(meas_\S+)/.exec(shown.out)![1]!;
    const bad = foundry(['optimize-measure', run.id, '--concurrency', '64', '--ttft', 'fast', '--tpot', '30']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--ttft: "fast" is not a positive number/);
    expect(foundry(['optimize-measure-rm', id]).out).toContain(`Removed ${id}`);
    expect(foundry(['optimize-runs', run.id]).out).not.toContain('Measured vs predicted');
    expect(foundry(['optimize-measure', run.id, '--ttft', '500']).err).toMatch(/--concurrency is required \(or give --from/);
  });

  it('records a sweep from benchmark result files, and records nothing when one of them is bad', () => {
    const run = JSON.parse(foundry(['optimize', '-m', 'llama-3.1-70b', '-g', 'lab=h100_sxm:8', '--isl', '1024', '--osl', '256', '--json']).out) as OptimizerRun;
    const result = (c: number) => ({ backend: 'vllm', max_concurrency: c, completed: 10 * c, total_input_tokens: 10 * c * 1024, total_output_tokens: 10 * c * 256, mean_ttft_ms: 100 + c, mean_tpot_ms: 20 + c / 8, output_throughput: 40 * c });
    const dir = mkdtempSync(join(tmpdir(), 'fdy-bench-'));
    writeFileSync(join(dir, 'c8.json'), JSON.stringify(result(8)));
    writeFileSync(join(dir, 'sweep.jsonl'), [16, 32].map((c) => JSON.stringify(result(c))).join('\n'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...result(64), max_concurrency: null }));
    const refused = foundry(['optimize-measure', run.id, '--from', join(dir, 'c8.json'), '--from', join(dir, 'bad.json')]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/bad\.json: max_concurrency is not set/);
    expect((JSON.parse(foundry(['optimize-runs', run.id, '--json']).out) as OptimizerRun).measurements).toEqual([]);
    const r = foundry(['optimize-measure', run.id, '--from', join(dir, 'c8.json'), '--from', join(dir, 'sweep.jsonl'), '--json']);
    expect(r.code, r.err).toBe(0);
    const recorded = JSON.parse(r.out) as OptimizerRun['measurements'];
    expect(recorded.map((m) => [m.measured.concurrency, m.measured.isl, m.measured.osl, m.measured.outputTokensPerSec])).toEqual([[8, 1024, 256, 320], [16, 1024, 256, 640], [32, 1024, 256, 1280]]);
    expect(recorded[1]!.note).toBe('vllm bench, 160 requests (sweep.jsonl)');
    rmSync(dir, { recursive: true, force: true });
  });

  it('calibrates a run with the measurements recorded for the model, and says what they did', () => {
    const args = ['optimize', '-m', 'qwen3-32b', '-g', 'lab=h100_sxm:8', '--concurrency', '16,64'];
    expect(foundry([...args, '--calibrate']).out).toContain('Calibrated: no measurements of this model on this engine are recorded yet');
    const run = JSON.parse(foundry([...args, '--json']).out) as OptimizerRun;
    const plan = run.recommended!;
    expect(foundry(['optimize-measure', run.id, '--concurrency', String(plan.maxConcurrency), '--ttft', String(plan.prediction.ttftMs * 1.25), '--tpot', String(plan.prediction.tpotMs)]).code).toBe(0);
    const text = foundry([...args, '--calibrate']).out;
    expect(text).toMatch(/Calibrated with 1 measurement\(s\) of 1 deployment\(s\): \d+ plan\(s\) predicted at the measured level/);
    expect(text).toContain("The recommended plan's deployment was measured: TTFT ×1.25, TPOT ×1.00 (1 point(s), same prompt lengths).");
    expect(text).toMatch(/TTFT [\d,]+ ms = roofline .*, calibration \+[\d,]+/);
    expect(foundry(args).out).not.toContain('Calibrated');
  });

  it('searches a fine concurrency grid with NSGA-II and says so', () => {
    const r = foundry(['optimize', '-m', 'llama-3.1-70b', '-g', 'lab=h100_sxm:16', '--concurrency', '1-1024']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/NSGA-II: 2000 of \d{4,} layout × concurrency points predicted/);
    const tooMany = foundry(['optimize', '-m', 'llama-3.1-70b', '-g', 'lab=h100_sxm:16', '--concurrency', '1-5000']);
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.err).toMatch(/at most 4,096 concurrency values/);
  });
});
