import { describe, expect, it } from 'vitest';
import { CATALOG_DEFAULTS, GPUS, GpuSpecSchema, findGpu, getGpu, groupLinkBytesPerSec, type GpuSpec } from './gpus.js';
import { gemmPeakFlops } from './quant.js';

// The `system` names AIConfigurator's benchmark exports use: one per aic-core/src/aiconfigurator_core/systems/<name>.yaml
// (ai-dynamo/aiconfigurator @ 095f58a). A row whose system is missing here is counted as unsupported by the eval.
const AIC_SYSTEMS: Record<string, string> = {
  a100_pcie: 'a100_80gb_pcie', // the yaml's mem_capacity is 80 GiB, mem_bw 1.935 TB/s, power 300 W
  a100_sxm: 'a100_80gb_sxm',
  a30: 'a30',
  b200_sxm: 'b200_sxm',
  b300_sxm: 'b300_sxm',
  b60: 'b60',
  gb200: 'gb200',
  gb300: 'gb300',
  h100_pcie: 'h100_pcie',
  h100_sxm: 'h100_sxm',
  h200_sxm: 'h200_sxm',
  l4: 'l4',
  l40s: 'l40s',
  rtx_pro_6000_server: 'rtx_pro_6000_server',
};

describe('GPU catalog', () => {
  it.each(Object.entries(AIC_SYSTEMS))('AIConfigurator system %s resolves to the %s row', (system, id) => {
    expect(findGpu(system)?.id).toBe(id);
    expect(findGpu(` ${system.toUpperCase()} `)?.id).toBe(id);
  });

  // Datasheet figures (resources/gpus/SOURCES.md cites each). Compute is dense: half the with-sparsity figure where
  // the vendor prints only that. Null means the card has no tensor path for that type.
  it.each<[string, Partial<GpuSpec>]>([
    ['a30', { memoryGB: 24, memoryType: 'HBM2', bandwidthTBs: 0.933, bf16Tflops: 165, fp8Tflops: null, fp4Tflops: null, link: 'pcie4', linkGBs: 64, linkDomain: 8, tdpW: 165 }],
    [
      'rtx_pro_6000_server',
      { memoryGB: 96, memoryType: 'GDDR7', bandwidthTBs: 1.597, bf16Tflops: 1000 / 2, fp8Tflops: 2000 / 2, fp4Tflops: 4000 / 2, link: 'pcie5', linkGBs: 128, linkDomain: 8, tdpW: 600 },
    ],
    ['b60', { memoryGB: 24, memoryType: 'GDDR6', bandwidthTBs: 0.456, bf16Tflops: 98.3, fp8Tflops: null, fp4Tflops: null, linkGBs: 64, linkDomain: 8, tdpW: 200 }],
    ['a100_pcie', { memoryGB: 80, bandwidthTBs: 1.935, bf16Tflops: 312, fp8Tflops: null, tdpW: 300 }],
  ])('%s carries its datasheet figures', (name, expected) => {
    expect(getGpu(name)).toMatchObject(expected);
  });

  it('marks the figures no datasheet prints as unverified, and only those', () => {
    // NVIDIA's page prints 1 / 2 / 4 PFLOPS without saying they are sparse; Intel prints INT8 TOPS, not BF16 TFLOPS.
    // A PCIe card's link domain is the server it sits in, which no datasheet fixes (8 assumed).
    expect(getGpu('rtx_pro_6000_server').unverified).toEqual(['bf16Tflops', 'fp8Tflops', 'fp4Tflops', 'linkDomain']);
    expect(getGpu('b60').unverified).toEqual(['bf16Tflops', 'linkDomain']);
    expect(getGpu('a30').unverified).toEqual(['linkDomain']);
  });

  it('connects PCIe cards of one server over PCIe and NVLink GPUs over their domain; beyond it, the network', () => {
    const l40s = getGpu('l40s');
    expect(groupLinkBytesPerSec(l40s, 4)).toBe(l40s.linkGBs * 1e9);
    expect(groupLinkBytesPerSec(l40s, 16)).toBe(CATALOG_DEFAULTS.scaleOutGBs * 1e9);
    expect(groupLinkBytesPerSec(getGpu('gb200'), 72)).toBe(1800e9);
    expect(groupLinkBytesPerSec(getGpu('h100_sxm'), 16)).toBe(CATALOG_DEFAULTS.scaleOutGBs * 1e9);
  });

  it('runs FP8 weights at the BF16 peak on cards without an FP8 tensor path', () => {
    for (const name of ['a30', 'b60']) {
      const g = getGpu(name);
      expect(gemmPeakFlops(g, 'fp8')).toBe(g.bf16Tflops * 1e12);
      expect(gemmPeakFlops(g, 'fp4')).toBe(g.bf16Tflops * 1e12);
    }
    const rtx = getGpu('rtx_pro_6000_server');
    expect(gemmPeakFlops(rtx, 'fp8')).toBe(2 * gemmPeakFlops(rtx, 'bf16'));
    expect(gemmPeakFlops(rtx, 'fp4')).toBe(4 * gemmPeakFlops(rtx, 'bf16'));
  });

  it('gives every name (id, name, alias) to exactly one row, so no row silently shadows another', () => {
    const owner = new Map<string, string>();
    for (const g of GPUS) {
      for (const n of new Set([g.id, g.name, ...g.aliases].map((s) => s.toLowerCase()))) {
        expect(owner.get(n), `"${n}" is claimed by ${owner.get(n)} and ${g.id}`).toBeUndefined();
        owner.set(n, g.id);
      }
    }
  });

  it('lists only real numeric fields as unverified', () => {
    const numeric = new Set(['memoryGB', 'bandwidthTBs', 'bf16Tflops', 'fp8Tflops', 'fp4Tflops', 'linkGBs', 'linkDomain', 'tdpW']);
    for (const g of GPUS) for (const f of g.unverified) expect(numeric.has(f), `${g.id}: unverified "${f}" is not a figure`).toBe(true);
  });

  it('rejects a malformed row with the field that is wrong', () => {
    const good = getGpu('a30');
    const bad = GpuSpecSchema.safeParse({ ...good, fp8Tflops: 'none' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['fp8Tflops']);
    expect(GpuSpecSchema.safeParse({ ...good, sparseTflops: 330 }).success).toBe(false);
  });

  it('says how to fix an unknown GPU', () => {
    expect(findGpu('a40')).toBeUndefined();
    expect(() => getGpu('a40')).toThrow(/unknown GPU "a40": add a row to resources\/gpus\/catalog\.json/);
  });
});
