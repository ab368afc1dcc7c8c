import { describe, expect, it } from 'vitest';
import { DEFAULT_CORRECTION } from '../correction/default.js';
import { engineVersionNumber, releaseName } from './engine-version.js';
import { predict, type PredictRequest } from './predict.js';

describe('engine releases', () => {
  it('orders the releases of one engine and leaves nightlies and unknown names unknown', () => {
    expect(engineVersionNumber('0.19.0')).toBe(1900);
    expect(engineVersionNumber('v0.12.0')).toBe(1200);
    expect(engineVersionNumber('0.5.10.post1')).toBe(510);
    expect(engineVersionNumber('0.5.9')).toBeLessThan(engineVersionNumber('0.5.10')!);
    expect(engineVersionNumber('1.2.0rc6.post1')).toBe(10200);
    expect(engineVersionNumber('1.3')).toBe(10300);
    expect(engineVersionNumber('nightly-dev-20260216-d3bae71e')).toBeNaN();
    expect(engineVersionNumber('')).toBeNaN();
    expect(engineVersionNumber(null)).toBeNaN();
    expect(engineVersionNumber(undefined)).toBeUndefined();
  });

  const req = (version?: string | null): PredictRequest => ({
    model: 'Qwen/Qwen3-32B',
    gpu: 'h100_sxm',
    layout: { tp: 2 },
    workload: { isl: 1024, osl: 256, concurrency: 32 },
    engine: { backend: 'vllm', ...(version === undefined ? {} : { version }) },
  });

  it('assumes the newest release the correction was trained on when a request names none', () => {
    const latest = DEFAULT_CORRECTION.latestEngineVersion!.vllm!;
    expect(latest).toBeGreaterThanOrEqual(1900);
    const named = releaseName(latest);
    expect(engineVersionNumber(named)).toBe(latest);
    expect(predict(req()).tpotMs).toBe(predict(req(named)).tpotMs);
  });

  it('lets the release move the corrected TPOT, and leaves the physics alone', () => {
    const releases = ['0.11.2', '0.12.0', '0.15.1', '0.17.0', '0.19.0', null].map((v) => predict(req(v)));
    expect(new Set(releases.map((p) => p.tpotMs.toFixed(6))).size).toBeGreaterThan(1);
    // The release is a correction input only, and only for TPOT: the physics and TTFT's trees never see it.
    expect(new Set(releases.map((p) => (p.tpotMs / p.correction!.tpotFactor).toFixed(9))).size).toBe(1);
    expect(new Set(releases.map((p) => p.ttftMs.toFixed(9))).size).toBe(1);
  });
});
