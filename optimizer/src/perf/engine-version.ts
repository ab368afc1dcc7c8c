// Engine releases as numbers the learned correction can split on: releases of one engine differ in speed (the
// measured data's residuals fall release after release within a model), so the release a deployment runs is an
// input, like its layout.

/** What a release name must look like where people type one: numbers first, a suffix allowed (rc6, .post1). */
export const ENGINE_RELEASE_PATTERN = /^v?\d+\.\d+(\.\d+)?([.-]?[0-9A-Za-z.]+)?$/;

/** 1900 → "0.19.0": the name of a release number. */
export function releaseName(n: number): string {
  return `${Math.floor(n / 10_000)}.${Math.floor((n % 10_000) / 100)}.${n % 100}`;
}

/**
 * "0.19.0" → 1900, "0.5.10.post1" → 510, "1.2.0rc6" → 10200 (ordered like the releases of one engine); nightly
 * builds and names without a version → NaN (unknown); undefined stays undefined (not given).
 */
export function engineVersionNumber(v: string | null | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((v ?? '').trim());
  return m ? Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3] ?? 0) : Number.NaN;
}
