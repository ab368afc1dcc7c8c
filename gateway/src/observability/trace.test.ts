import { describe, expect, it } from 'vitest';
import { continueTrace } from './trace';

describe('trace ids from the random pool', () => {
  it('are lowercase hex of W3C length, never repeat across pool refills, and continue a valid caller trace', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    // 2,000 requests use 48 KB of randomness: about a dozen refills of the 4 KB pool.
    for (let i = 0; i < 2_000; i++) {
      const t = continueTrace(undefined);
      expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(t.header).toBe(`00-${t.traceId}-${t.spanId}-01`);
      traces.add(t.traceId);
      spans.add(t.spanId);
    }
    expect(traces.size).toBe(2_000);
    expect(spans.size).toBe(2_000);
    const caller = continueTrace('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(caller.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(caller.flags).toBe('00');
    expect(caller.spanId).not.toBe('00f067aa0ba902b7');
  });
});
