// Non-dominated filtering of the predicted plans. They number a few thousand at most (a larger space is sampled by
// nsga2.ts under a prediction budget), so the O(n²) scan is simpler and fast enough.
export type Objective<T> = { get: (t: T) => number; sense: 'min' | 'max' };

/** a dominates b: no worse on every objective and strictly better on one. */
export function dominates<T>(a: T, b: T, objectives: Objective<T>[]): boolean {
  let better = false;
  for (const o of objectives) {
    const x = o.sense === 'min' ? o.get(a) : -o.get(a);
    const y = o.sense === 'min' ? o.get(b) : -o.get(b);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

export function paretoFront<T>(items: T[], objectives: Objective<T>[]): T[] {
  return items.filter((a) => !items.some((b) => b !== a && dominates(b, a, objectives)));
}
