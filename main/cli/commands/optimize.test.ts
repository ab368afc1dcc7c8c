import { describe, expect, it } from 'vitest';
import { parseGpus, parseSlo } from './optimize';

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

  it('reads SLOs and refuses unknown keys', () => {
    expect(parseSlo('ttft=500,tpot=40,rps=20,p90')).toEqual({ ttftMs: 500, tpotMs: 40, targetRequestsPerSec: 20, ttftPercentile: 'p90' });
    expect(parseSlo(undefined)).toEqual({});
    expect(() => parseSlo('latency=5')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
