// NSGA-II (Deb et al., 2002) over integer genomes, for search spaces too large to enumerate: a fixed-size
// population evolves by binary tournament (Pareto rank, then crowding distance), uniform crossover and mutation,
// and survives by non-dominated sorting. Constraints follow Deb's rule: a feasible point beats an infeasible one,
// and of two infeasible points the smaller violation wins. Every genome is evaluated once (the caller's function may
// be expensive: a whole predict()), so the budget counts distinct genomes. Seeded, hence reproducible.
import { dominates, type Objective } from './pareto.js';

export interface Nsga2Problem<E> {
  /** Gene i takes the values 0 … cardinality[i] − 1; neighbouring values should be similar points. */
  cardinality: number[];
  evaluate(genome: readonly number[]): E;
  objectives: Objective<E>[];
  /** 0 for a feasible point; how far an infeasible one misses (any scale, compared only among infeasible points). */
  violation(e: E): number;
}

export interface Nsga2Options {
  population: number;
  /** Distinct genomes to evaluate at most. */
  maxEvaluations: number;
  seed: number;
  /** Generations without a new genome before the search stops (the reachable space is exhausted). */
  stallGenerations?: number;
}

export interface Nsga2Result<E> {
  /** Every genome evaluated, in evaluation order. */
  evaluated: { genome: number[]; value: E }[];
  generations: number;
}

interface Member<E> {
  genome: number[];
  value: E;
  rank: number;
  crowding: number;
}

/** mulberry32: a small, well-distributed 32-bit PRNG; enough for search, and seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function nsga2<E>(problem: Nsga2Problem<E>, options: Nsga2Options): Nsga2Result<E> {
  const { cardinality, objectives } = problem;
  if (cardinality.length === 0 || cardinality.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`every gene needs a cardinality ≥ 1, got [${cardinality.join(', ')}]`);
  const size = Math.max(4, options.population + (options.population % 2));
  const random = seededRandom(options.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const cache = new Map<string, E>();
  const evaluated: { genome: number[]; value: E }[] = [];
  const spaceSize = cardinality.reduce((a, c) => a * c, 1);
  const budget = Math.min(options.maxEvaluations, spaceSize);

  const value = (genome: number[]): E => {
    const key = genome.join(',');
    let v = cache.get(key);
    if (v === undefined) {
      v = problem.evaluate(genome);
      cache.set(key, v);
      evaluated.push({ genome, value: v });
    }
    return v;
  };
  // Deb's constrained domination.
  const beats = (a: E, b: E) => {
    const va = problem.violation(a);
    const vb = problem.violation(b);
    if (va === 0 && vb === 0) return dominates(a, b, objectives);
    if (va === 0) return true;
    if (vb === 0) return false;
    return va < vb;
  };

  let population: Member<E>[] = [];
  const seen = new Set<string>();
  while (population.length < size && seen.size < spaceSize && evaluated.length < budget) {
    const genome = cardinality.map((c) => pick(c));
    const key = genome.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    population.push({ genome, value: value(genome), rank: 0, crowding: 0 });
  }
  rankAndCrowd(population, beats, objectives);

  const stall = options.stallGenerations ?? 10;
  let quiet = 0;
  let generations = 0;
  while (evaluated.length < budget && quiet < stall) {
    generations++;
    const before = evaluated.length;
    const offspring: Member<E>[] = [];
    while (offspring.length < size && evaluated.length < budget) {
      const a = tournament(population, pick);
      const b = tournament(population, pick);
      const child = a.genome.map((g, i) => (random() < 0.5 ? g : b.genome[i]!));
      mutate(child, cardinality, random, pick);
      offspring.push({ genome: child, value: value(child), rank: 0, crowding: 0 });
    }
    quiet = evaluated.length > before ? 0 : quiet + 1;
    population = survivors(dedupe([...population, ...offspring]), size, beats, objectives);
  }
  return { evaluated, generations };
}

function tournament<E>(population: Member<E>[], pick: (n: number) => number): Member<E> {
  const a = population[pick(population.length)]!;
  const b = population[pick(population.length)]!;
  if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
  return a.crowding >= b.crowding ? a : b;
}

/** Each gene mutates with probability 1/genes: half the time to a neighbouring value, else to any value. */
function mutate(genome: number[], cardinality: number[], random: () => number, pick: (n: number) => number): void {
  const rate = 1 / genome.length;
  let changed = false;
  for (let i = 0; i < genome.length; i++) {
    if (random() >= rate) continue;
    genome[i] = random() < 0.5 ? clamp(genome[i]! + (random() < 0.5 ? -1 : 1), cardinality[i]!) : pick(cardinality[i]!);
    changed = true;
  }
  // A child identical to both parents teaches nothing: nudge one gene.
  if (!changed) {
    const i = pick(genome.length);
    genome[i] = clamp(genome[i]! + (random() < 0.5 ? -1 : 1), cardinality[i]!);
  }
}

const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));

function dedupe<E>(members: Member<E>[]): Member<E>[] {
  const seen = new Set<string>();
  return members.filter((m) => {
    const k = m.genome.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function survivors<E>(members: Member<E>[], size: number, beats: (a: E, b: E) => boolean, objectives: Objective<E>[]): Member<E>[] {
  const fronts = rankAndCrowd(members, beats, objectives);
  const next: Member<E>[] = [];
  for (const front of fronts) {
    if (next.length + front.length <= size) {
      next.push(...front);
      continue;
    }
    next.push(...[...front].sort((a, b) => b.crowding - a.crowding).slice(0, size - next.length));
    break;
  }
  return next;
}

/** Fast non-dominated sort; sets each member's rank and crowding distance and returns the fronts, best first. */
function rankAndCrowd<E>(members: Member<E>[], beats: (a: E, b: E) => boolean, objectives: Objective<E>[]): Member<E>[][] {
  const n = members.length;
  const dominated: number[][] = members.map(() => []);
  const count = new Array<number>(n).fill(0);
  const fronts: Member<E>[][] = [[]];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (beats(members[i]!.value, members[j]!.value)) {
        dominated[i]!.push(j);
        count[j]!++;
      } else if (beats(members[j]!.value, members[i]!.value)) {
        dominated[j]!.push(i);
        count[i]!++;
      }
    }
  }
  let current = members.map((_, i) => i).filter((i) => count[i] === 0);
  let rank = 0;
  while (current.length > 0) {
    const front = current.map((i) => members[i]!);
    for (const m of front) m.rank = rank;
    fronts[rank] = front;
    const next: number[] = [];
    for (const i of current) for (const j of dominated[i]!) if (--count[j]! === 0) next.push(j);
    current = next;
    rank++;
  }
  for (const front of fronts) crowd(front, objectives);
  return fronts.filter((f) => f.length > 0);
}

function crowd<E>(front: Member<E>[], objectives: Objective<E>[]): void {
  for (const m of front) m.crowding = 0;
  if (front.length <= 2) {
    for (const m of front) m.crowding = Number.POSITIVE_INFINITY;
    return;
  }
  for (const o of objectives) {
    const sorted = [...front].sort((a, b) => o.get(a.value) - o.get(b.value));
    const lo = o.get(sorted[0]!.value);
    const hi = o.get(sorted[sorted.length - 1]!.value);
    sorted[0]!.crowding = sorted[sorted.length - 1]!.crowding = Number.POSITIVE_INFINITY;
    if (!(hi > lo)) continue;
    for (let i = 1; i < sorted.length - 1; i++) sorted[i]!.crowding += (o.get(sorted[i + 1]!.value) - o.get(sorted[i - 1]!.value)) / (hi - lo);
  }
}
