import { describe, expect, it } from 'vitest';
import { defaultForm, fromRequest, newPool, toNum, toRequest, validate, type OptimizerForm } from './form';

const catalog = { models: [{ id: 'meta-llama/Llama-3.1-70B-Instruct', aliases: [], params: 70.6e9, activeParams: 70.6e9, maxContext: 131_072 }] };

function filled(): OptimizerForm {
  const a = { ...newPool('local'), gpu: 'h100_sxm', count: 16 };
  const b = { ...newPool('lab'), gpu: 'a100_80gb_sxm', count: 8, price: 1.5 };
  return { ...defaultForm(), model: 'meta-llama/Llama-3.1-70B-Instruct', ttftMs: 2000, tpotMs: 80, targetRps: 2, pools: [a, b] };
}

describe('the optimizer form', () => {
  it('starts with one "local" pool and asks for a model and a GPU', () => {
    const form = defaultForm();
    expect(form.pools.map((p) => p.cluster)).toEqual(['local']);
    const errors = validate(form, catalog);
    expect(errors.model).toBe('Choose a model');
    expect(errors[`pools.${form.pools[0]!.key}.gpu`]).toBe('Choose a GPU');
  });

  it('accepts a filled form', () => {
    expect(validate(filled(), catalog)).toEqual({});
  });

  it('rejects counts and token lengths that are not positive whole numbers, beside the field', () => {
    const form = { ...filled(), isl: 0 as const, osl: '' as const };
    form.pools[0] = { ...form.pools[0]!, count: 2.5 };
    const errors = validate(form, catalog);
    expect(errors.isl).toBe('A whole number above 0');
    expect(errors.osl).toBe('Enter output tokens');
    expect(errors[`pools.${form.pools[0].key}.count`]).toBe('A whole number above 0');
  });

  it("refuses a workload longer than the model's context", () => {
    expect(validate({ ...filled(), isl: 130_000, osl: 2000 }, catalog).isl).toMatch(/exceeds the model's 131,072-token context/);
  });

  it('refuses the same GPU twice in one cluster, but not in two', () => {
    const form = filled();
    form.pools.push({ ...newPool('local'), gpu: 'h100_sxm' });
    expect(validate(form, catalog)[`pools.${form.pools[2]!.key}.gpu`]).toBe('Already listed for local');
    form.pools[2] = { ...form.pools[2]!, cluster: 'other' };
    expect(validate(form, catalog)).toEqual({});
  });

  it('checks optional SLOs and prices only when given', () => {
    const form = { ...filled(), ttftMs: -1, tpotMs: '' as const };
    form.pools[0] = { ...form.pools[0]!, price: 5000 };
    const errors = validate(form, catalog);
    expect(errors.ttftMs).toBe('Above 0, or leave blank');
    expect(errors.tpotMs).toBeUndefined();
    expect(errors[`pools.${form.pools[0].key}.price`]).toBe('0 to 1000');
  });

  it('turns rows into clusters with pools, and leaves blank SLOs and prices out', () => {
    const form = filled();
    form.pools.push({ ...newPool(' local '), gpu: 'h200_sxm', count: 8 });
    const req = toRequest({ ...form, targetRps: '' });
    expect(req.clusters).toEqual([
      { name: 'local', gpus: [{ gpu: 'h100_sxm', count: 16 }, { gpu: 'h200_sxm', count: 8 }] },
      { name: 'lab', gpus: [{ gpu: 'a100_80gb_sxm', count: 8, pricePerGpuHour: 1.5 }] },
    ]);
    expect(req.slo).toEqual({ ttftMs: 2000, ttftPercentile: 'mean', tpotMs: 80 });
    expect(req.name).toBeUndefined();
    expect(req.workload).toEqual({ isl: 1024, osl: 256 });
  });

  it('fills the form back from a saved request', () => {
    const req = toRequest(filled());
    const back = fromRequest({ ...req, name: undefined, slo: req.slo ?? {}, backend: 'sglang' });
    expect(toRequest(back)).toEqual({ ...req, backend: 'sglang' });
  });

  it('asks for attention DP by default, carries an opt-out, and reads runs saved before the option as on', () => {
    expect(toRequest(filled()).attentionDp).toBe(true);
    const off = toRequest({ ...filled(), attentionDp: false });
    expect(off.attentionDp).toBe(false);
    expect(fromRequest({ ...off, name: undefined, slo: off.slo ?? {}, backend: off.backend ?? 'vllm' }).attentionDp).toBe(false);
    const { attentionDp: _dropped, ...older } = off;
    expect(fromRequest({ ...older, name: undefined, slo: older.slo ?? {}, backend: older.backend ?? 'vllm' }).attentionDp).toBe(true);
  });

  it('sends the engine memory knob only when one is given, as a share of memory, and carries it through a saved run', () => {
    expect(toRequest(filled()).memoryFraction).toBeUndefined();
    expect(toRequest({ ...filled(), memoryFraction: 0.95 }).memoryFraction).toBe(0.95);
    expect(validate({ ...filled(), memoryFraction: 0.95 }, catalog)).toEqual({});
    for (const bad of [0, 1.2, -0.5]) expect(validate({ ...filled(), memoryFraction: bad }, catalog).memoryFraction).toBe('A share of memory: above 0, at most 1');
    const req = toRequest({ ...filled(), memoryFraction: 0.8 });
    expect(fromRequest({ ...req, name: undefined, slo: req.slo ?? {}, backend: req.backend ?? 'vllm' }).memoryFraction).toBe(0.8);
    expect(fromRequest({ ...toRequest(filled()), name: undefined, slo: {}, backend: 'vllm' }).memoryFraction).toBe('');
  });

  it('sends an engine release only when one is given, and refuses one that is not a release number', () => {
    expect(toRequest(filled()).engineVersion).toBeUndefined();
    expect(toRequest({ ...filled(), engineVersion: ' 0.19.0 ' }).engineVersion).toBe('0.19.0');
    expect(validate({ ...filled(), engineVersion: '1.2.0rc6' }, catalog)).toEqual({});
    expect(validate({ ...filled(), engineVersion: 'latest' }, catalog).engineVersion).toMatch(/0\.19\.0/);
    const req = toRequest({ ...filled(), engineVersion: '0.12.0' });
    expect(toRequest(fromRequest({ ...req, name: undefined, slo: req.slo ?? {}, backend: req.backend ?? 'vllm' })).engineVersion).toBe('0.12.0');
  });

  it('sends the concurrency grid only when one is typed, shows a bad one beside the field, and carries it through a saved run', () => {
    expect(toRequest(filled()).concurrency).toBeUndefined();
    expect(toRequest({ ...filled(), concurrency: '64,8-10' }).concurrency).toEqual([8, 9, 10, 64]);
    expect(validate({ ...filled(), concurrency: ' ' }, catalog)).toEqual({});
    expect(validate({ ...filled(), concurrency: '8,abc' }, catalog).concurrency).toBe('"abc" is not a number or a range like 1-256');
    const req = toRequest({ ...filled(), concurrency: '1-512' });
    const back = fromRequest({ ...req, name: undefined, slo: req.slo ?? {}, backend: req.backend ?? 'vllm' });
    expect(back.concurrency).toBe('1-512');
    expect(toRequest(back).concurrency).toHaveLength(512);
    expect(fromRequest({ ...toRequest(filled()), name: undefined, slo: {}, backend: 'vllm' }).concurrency).toBe('');
  });

  it('reads half-typed numbers as blank', () => {
    expect(toNum('')).toBe('');
    expect(toNum('12')).toBe(12);
    expect(toNum('1e')).toBe('');
    expect(toNum(3)).toBe(3);
  });
});
