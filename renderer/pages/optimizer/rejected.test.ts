import { describe, expect, it } from 'vitest';
import { REJECTION_KINDS } from '../../../optimizer/src/search';
import { planKey } from './format';
import { groupByKind, groupRejected, kindLabel, reasonIndex, reasonKind, type SavedRejected } from './rejected';

const r = (reason: string, extra: Partial<SavedRejected> = {}): SavedRejected => ({ cluster: 'local', gpu: 'h100_sxm', tp: 1, pp: 1, reason, ...extra });

describe('grouping rejected options', () => {
  it('groups identical reasons with a count, most frequent first', () => {
    const groups = groupRejected([
      r('predicted TPOT 86.8 ms > SLO 80 ms', { maxConcurrency: 64 }),
      r('KV cache holds only 11 sequences of 1280 tokens', { tp: 2, maxConcurrency: 16 }),
      r('KV cache holds only 11 sequences of 1280 tokens', { tp: 2, maxConcurrency: 32 }),
    ]);
    expect(groups.map((g) => [g.reason, g.count])).toEqual([
      ['KV cache holds only 11 sequences of 1280 tokens', 2],
      ['predicted TPOT 86.8 ms > SLO 80 ms', 1],
    ]);
    expect(groups[0]!.options).toEqual(['local · h100_sxm · tp2 pp1 · 16 seqs', 'local · h100_sxm · tp2 pp1 · 32 seqs']);
  });

  it('names a layout without a concurrency when the rejection came before it', () => {
    expect(groupRejected([r('needs 32 GPUs per replica, cluster has 16 h100_sxm', { tp: 8, pp: 4 })])[0]!.options).toEqual(['local · h100_sxm · tp8 pp4']);
  });

  it('labels a rejection by the library’s kind code, whatever its wording, and every code has a label', () => {
    expect(kindLabel(r('predicted TPOT 86.8 ms > SLO 80 ms', { kind: 'misses_ttft_slo' }))).toBe('Misses the TTFT SLO');
    expect(groupRejected([r('a new wording', { kind: 'kv_cache_too_small' })])[0]!.kind).toBe('KV cache too small');
    for (const k of REJECTION_KINDS) expect(kindLabel(r('?', { kind: k }))).not.toBe('Other');
  });

  it('sorts every reason of a run saved before kind codes into a kind by its wording', () => {
    expect(reasonKind('weights need 131.4 GiB per GPU but only 71.7 GiB is usable (80 GB × 0.9)')).toBe('Does not fit in memory');
    expect(reasonKind('needs 26 replicas × 2 GPUs = 52 for 2 req/s, cluster has 16')).toBe('Too few GPUs for the rate');
    expect(reasonKind('needs 32 GPUs per replica, cluster has 16 h100_sxm')).toBe('Replica larger than the pool');
    expect(reasonKind('tp=8 does not divide the 28 attention heads')).toBe('TP does not divide the heads');
    expect(reasonKind('tp=8 spans more than the 4-GPU PCIe domain: all-reduce over the network')).toBe('TP beyond the GPU link domain');
    expect(reasonKind('predicted mean TTFT 2634 ms > SLO 2000 ms')).toBe('Misses the TTFT SLO');
    expect(reasonKind('predicted p90 TTFT 2634 ms > SLO 2000 ms')).toBe('Misses the TTFT SLO');
    expect(reasonKind('predicted TPOT 86.8 ms > SLO 80 ms')).toBe('Misses the TPOT SLO');
    expect(reasonKind('something new')).toBe('Other');
  });

  it('finds the reason for a plan by the same key the plans table uses', () => {
    const index = reasonIndex([r('predicted TPOT 86.8 ms > SLO 80 ms', { maxConcurrency: 64 })]);
    expect(index.get(planKey({ cluster: 'local', gpu: 'h100_sxm', tp: 1, pp: 1, maxConcurrency: 64 }))).toBe('predicted TPOT 86.8 ms > SLO 80 ms');
  });

  it('groups by kind first, so reasons that differ only in their numbers sit together', () => {
    const kinds = groupByKind([
      r('needs 9 replicas × 8 GPUs = 72 for 2 req/s, cluster has 16', { tp: 8 }),
      r('needs 5 replicas × 8 GPUs = 40 for 2 req/s, cluster has 16', { tp: 8 }),
      r('needs 5 replicas × 8 GPUs = 40 for 2 req/s, cluster has 16', { tp: 4, pp: 2 }),
      r('predicted TPOT 86.8 ms > SLO 80 ms'),
    ]);
    expect(kinds.map((k) => [k.kind, k.count, k.reasons.map((g) => g.count)])).toEqual([
      ['Too few GPUs for the rate', 3, [2, 1]],
      ['Misses the TPOT SLO', 1, [1]],
    ]);
  });
});
