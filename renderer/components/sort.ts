/** Sorting for tables: pure so it is tested without a DOM. */
import { useMemo, useState } from 'react';

export type SortDir = 'asc' | 'desc';
export interface SortState<K extends string> {
  key: K;
  dir: SortDir;
}

export type Sortable = string | number | boolean | null | undefined;

export function compareValues(a: Sortable, b: Sortable): number {
  // Missing values sort last in ascending order, whatever their type.
  if (a == null || a === '') return b == null || b === '' ? 0 : 1;
  if (b == null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export function sortRows<T, K extends string>(rows: readonly T[], sort: SortState<K>, pick: (row: T, key: K) => Sortable): T[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => compareValues(pick(x.row, sort.key), pick(y.row, sort.key)) * sign || x.i - y.i)
    .map((x) => x.row);
}

export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

export function useSort<T, K extends string>(rows: readonly T[], initial: SortState<K>, pick: (row: T, key: K) => Sortable) {
  const [sort, setSort] = useState(initial);
  const sorted = useMemo(() => sortRows(rows, sort, pick), [rows, sort, pick]);
  return { sorted, sort, toggle: (key: K) => setSort((s) => nextSort(s, key)) };
}
