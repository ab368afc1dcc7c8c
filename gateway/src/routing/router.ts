/**
 * Orders a model's targets for one request: the strategy picks the first, the rest follow as the
 * fallback chain. Ordering never mutates breaker state; the caller asks breaker.allow() only for
 * the target it is about to use.
 */
import type { ModelConfig } from '../config/schema';
import { buildRing, fnv1a, ringStart, type Ring } from './hash';
import type { TargetState } from './target';

export interface RoutedTarget {
  state: TargetState;
  weight: number;
}

export type Strategy = ModelConfig['strategy'];

export interface RouterOptions {
  strategy: Strategy;
  loadFactor: number;
  random?: () => number;
  now?: () => number;
}

export class Router<T extends RoutedTarget = RoutedTarget> {
  private readonly ring: Ring | null;
  private readonly totalWeight: number;
  private readonly random: () => number;
  private readonly now: () => number;
  /** With exactly two targets every order is one of these two: p2c then allocates nothing. */
  private readonly pairOrders: readonly [readonly T[], readonly T[]] | null;

  constructor(readonly targets: readonly T[], private readonly opts: RouterOptions) {
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.totalWeight = targets.reduce((s, t) => s + t.weight, 0);
    this.pairOrders = targets.length === 2 ? [[targets[0]!, targets[1]!], [targets[1]!, targets[0]!]] : null;
    this.ring = opts.strategy === 'prefix_affinity' && targets.length > 1 ? buildRing(targets.map((t) => t.state.id)) : null;
  }

  /** Targets in the order to try them. `prefix` is only read by prefix_affinity. */
  order(prefix: string): readonly T[] {
    const ts = this.targets;
    if (ts.length === 1) return ts;
    switch (this.opts.strategy) {
      case 'weighted':
        return this.healthyFirst(this.weighted());
      case 'least_outstanding':
        return this.healthyFirst(this.sorted((t) => t.state.outstanding / t.weight));
      case 'p2c_ewma':
        return this.healthyFirst(this.p2c());
      case 'kv_cache':
        return this.healthyFirst(this.sorted(kvScore));
      case 'prefix_affinity':
        return this.healthyFirst(this.affinity(prefix));
      case 'priority':
        // Listed order; a target whose breaker is open drops behind the rest until its cooldown
        // ends, then takes its place back for the half-open probe.
        return this.healthyFirst(ts);
    }
  }

  private weighted(): T[] {
    let r = this.random() * this.totalWeight;
    let first = 0;
    for (let i = 0; i < this.targets.length; i++) {
      r -= this.targets[i]!.weight;
      if (r < 0) {
        first = i;
        break;
      }
    }
    const out = [this.targets[first]!];
    for (let i = 0; i < this.targets.length; i++) if (i !== first) out.push(this.targets[i]!);
    return out;
  }

  private sorted(score: (t: T) => number): T[] {
    // Random tie-break so equal targets share load instead of the first one taking it all.
    const offset = Math.floor(this.random() * this.targets.length);
    const rotated = this.targets.map((_, i) => this.targets[(i + offset) % this.targets.length]!);
    return rotated.sort((a, b) => score(a) - score(b));
  }

  private p2c(): readonly T[] {
    const n = this.targets.length;
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j += 1;
    const a = this.targets[i]!;
    const b = this.targets[j]!;
    const first = a.state.cost() / a.weight <= b.state.cost() / b.weight ? a : b;
    if (this.pairOrders) return this.pairOrders[first === this.targets[0] ? 0 : 1];
    const rest = this.targets.filter((t) => t !== first).sort((x, y) => x.state.cost() / x.weight - y.state.cost() / y.weight);
    return [first, ...rest];
  }

  /** Consistent hashing with bounded loads: skip a target already above (1+ε)× the mean load. */
  private affinity(prefix: string): T[] {
    const ring = this.ring!;
    const n = this.targets.length;
    let total = 0;
    for (const t of this.targets) total += t.state.outstanding;
    const bound = Math.ceil(((total + 1) / n) * (1 + this.opts.loadFactor));
    const seen = new Set<number>();
    const preferred: T[] = [];
    const overloaded: T[] = [];
    let idx = ringStart(ring, fnv1a(prefix));
    for (let k = 0; k < ring.points.length && seen.size < n; k++, idx = (idx + 1) % ring.points.length) {
      const owner = ring.owners[idx]!;
      if (seen.has(owner)) continue;
      seen.add(owner);
      const t = this.targets[owner]!;
      (t.state.outstanding + 1 <= bound ? preferred : overloaded).push(t);
    }
    return preferred.concat(overloaded);
  }

  /** Targets whose breaker is open go last: still reachable as a last resort in the chain. */
  private healthyFirst(list: readonly T[]): readonly T[] {
    const now = this.now();
    let allOk = true;
    for (const t of list) if (!t.state.breaker.available(now)) allOk = false;
    if (allOk) return list;
    return list.filter((t) => t.state.breaker.available(now)).concat(list.filter((t) => !t.state.breaker.available(now)));
  }
}

/** Fresh KV pressure plus our own outstanding count, which is newer than any scrape. */
function kvScore(t: RoutedTarget): number {
  const kv = t.state.kv;
  const base = kv ? kv.cacheUsage + 0.25 * kv.waiting : 0.5;
  return base + 0.05 * t.state.outstanding;
}
