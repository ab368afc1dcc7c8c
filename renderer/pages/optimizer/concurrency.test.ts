import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENCY, MAX_VALUES, formatConcurrency, parseConcurrency } from './concurrency';

describe("the optimizer page's max-concurrency field", () => {
  it('reads values, ranges and mixes of both, sorted and without repeats', () => {
    expect(parseConcurrency('64, 8,16')).toEqual({ values: [8, 16, 64] });
    expect(parseConcurrency('1-4,128,3')).toEqual({ values: [1, 2, 3, 4, 128] });
    expect(parseConcurrency(' 2 – 3 ')).toEqual({ values: [2, 3] });
    expect(parseConcurrency('1-4096')).toEqual({ values: Array.from({ length: 4096 }, (_, i) => i + 1) });
  });

  it('says what is wrong, in words for the field', () => {
    expect(parseConcurrency('8,,16')).toEqual({ error: expect.stringMatching(/empty item/) });
    expect(parseConcurrency('lots')).toEqual({ error: '"lots" is not a number or a range like 1-256' });
    expect(parseConcurrency('1.5')).toEqual({ error: expect.stringMatching(/not a number/) });
    expect(parseConcurrency('0-8')).toEqual({ error: 'Concurrency starts at 1' });
    expect(parseConcurrency('64-8')).toEqual({ error: expect.stringMatching(/runs backwards/) });
    expect(parseConcurrency('70000')).toEqual({ error: `At most ${MAX_CONCURRENCY.toLocaleString('en-US')} sequences` });
    expect(parseConcurrency('1-4097')).toEqual({ error: expect.stringMatching(/At most 4,096 values/) });
    // A huge range is refused without enumerating it first.
    expect(parseConcurrency('1-65536,1-65536')).toEqual({ error: expect.stringMatching(/At most 4,096 values/) });
  });

  it('writes runs of three or more as ranges, and reads its own text back to the same values', () => {
    expect(formatConcurrency([1, 2, 3, 8, 16, 17])).toBe('1-3,8,16,17');
    expect(formatConcurrency([256, 1, 1])).toBe('1,256');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: MAX_CONCURRENCY }), { minLength: 1, maxLength: MAX_VALUES }), (values) => {
        expect(parseConcurrency(formatConcurrency(values))).toEqual({ values: [...values].sort((a, b) => a - b) });
      }),
      { numRuns: 200 },
    );
  });
});
