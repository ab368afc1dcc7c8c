import { describe, expect, it } from 'vitest';
import { BREAKER, kvLine } from './live-format';

describe('live gateway formatting', () => {
  it('says KV pressure with its age, and nothing when the target is not scraped', () => {
    expect(kvLine(null)).toBe('—');
    expect(kvLine({ cacheUsage: 0.734, waiting: 3, ageMs: 420 })).toBe('73% used, 3 waiting (420 ms ago)');
    expect(kvLine({ cacheUsage: 0, waiting: 0, ageMs: 2500 })).toBe('0% used, 0 waiting (2.5 s ago)');
  });
  it('names every breaker state', () => {
    expect(Object.keys(BREAKER).sort()).toEqual(['closed', 'half_open', 'open']);
  });
});
