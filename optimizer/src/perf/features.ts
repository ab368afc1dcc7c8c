// The physics of one engine step, as a short vector of roofline-shaped times. A step's predicted duration is the
// dot product of this vector with a few fitted coefficients (coefficients.ts), so the fit stays linear and the
// coefficients stay interpretable: efficiency on the roofline, overlap, interconnect, and fixed overheads.
export const FEATURE_NAMES = [
  'roofline', // max(memory time, compute time) at datasheet peaks
  'overlap', // min(memory time, compute time): how badly the two fail to overlap
  'interconnect', // TP all-reduce, MoE dispatch/combine and PP hand-off bytes over the link
  'collectives', // number of collective calls ×10 µs: their latency, independent of size
  'step', // 1 ms per engine step: scheduling, launch, sampling setup
  'sequences', // sequences in the step ×10 µs: per-sequence bookkeeping, sampling, detokenising
  'request', // 1 ms per request, paid once in TTFT: HTTP, tokenising, admission
  'layers', // (layers + MoE layers) on the stage ×10 µs per step: per-layer kernel launches and small ops
  // The same count ×10 µs once per request, in TTFT: admitting a prompt costs per layer of the model, whatever the
  // GPU count (measured TTFT at one to four clients does not fall from TP1 to TP8, and grows with depth).
  'requestLayers',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const NF = FEATURE_NAMES.length;
export const F = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;

/** Per-step time units (seconds) for the unit-valued features. */
export const UNIT = { collective: 1e-5, step: 1e-3, sequence: 1e-5, request: 1e-3, layer: 1e-5 } as const;

export type Vec = Float64Array;
export const zeros = (): Vec => new Float64Array(NF);

export function dot(c: ArrayLike<number>, f: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < NF; i++) s += (c[i] ?? 0) * (f[i] ?? 0);
  return s;
}
