import { describe, expect, it } from 'vitest';
import { compareValues, nextSort, sortRows } from './sort';

describe('table sorting', () => {
  const rows = [
    { name: 'beta-2', n: 3 },
    { name: 'alpha', n: null },
    { name: 'beta-10', n: 1 },
  ];
  const pick = (r: (typeof rows)[number], k: 'name' | 'n') => r[k];

  it('sorts names naturally, so beta-2 comes before beta-10', () => {
    expect(sortRows(rows, { key: 'name', dir: 'asc' }, pick).map((r) => r.name)).toEqual(['alpha', 'beta-2', 'beta-10']);
  });

  it('puts missing values last when ascending and reverses when descending', () => {
    expect(sortRows(rows, { key: 'n', dir: 'asc' }, pick).map((r) => r.n)).toEqual([1, 3, null]);
    expect(sortRows(rows, { key: 'n', dir: 'desc' }, pick).map((r) => r.n)).toEqual([null, 3, 1]);
  });

  it('flips direction on the same column and starts ascending on a new one', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'desc' }, 'n')).toEqual({ key: 'n', dir: 'asc' });
  });

  it('compares booleans and numbers by value', () => {
    expect(compareValues(false, true)).toBeLessThan(0);
    expect(compareValues(10, 9)).toBeGreaterThan(0);
  });
});
