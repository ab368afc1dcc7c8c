/**
 * The position (Glushkov) automaton of a parsed pattern, with multiplicities: follow[p] maps each
 * position q that may come right after p to the number of ways the pattern's structure allows it
 * (capped at 2). A backtracking engine tries each of those ways, so a count of 2 on a loop is already
 * exponential; safety.ts reads the rest from the automaton's shape.
 */
import type { RegexAst } from './ast';

export type Counts = Map<number, number>;
interface Info {
  first: Counts;
  last: Counts;
  /** Ways to match the empty string, capped at 2. */
  nullable: number;
}

const cap = (n: number) => (n > 2 ? 2 : n);

function add(into: Counts, from: Counts, times = 1): void {
  if (times === 0) return;
  for (const [k, n] of from) into.set(k, cap((into.get(k) ?? 0) + n * times));
}

function positionsIn(ast: RegexAst): number {
  switch (ast.t) {
    case 'char':
    case 'backref':
      return 1;
    case 'empty':
      return 0;
    case 'seq':
      return ast.items.reduce((n, a) => n + positionsIn(a), 0);
    case 'alt':
      return ast.alts.reduce((n, a) => n + positionsIn(a), 0);
    case 'rep':
      return positionsIn(ast.body) * (ast.max === Infinity ? 1 : Math.max(1, ast.max));
  }
}

export class Automaton {
  /** Per position: the pattern for its character set (null: any character, for backreferences). */
  readonly sets: (string | null)[] = [];
  readonly follow: Counts[] = [];
  private expand: boolean;

  /** Bounded repeats ({2,5}) are expanded into copies while the pattern stays under maxPositions. */
  constructor(ast: RegexAst, maxPositions: number) {
    this.expand = positionsIn(ast) <= maxPositions;
  }

  private position(src: string | null): Info {
    const p = this.sets.length;
    this.sets.push(src);
    this.follow.push(new Map());
    return { first: new Map([[p, 1]]), last: new Map([[p, 1]]), nullable: 0 };
  }

  private link(from: Counts, to: Counts): void {
    for (const [p, n] of from) add(this.follow[p]!, to, n);
  }

  private seq(parts: (() => Info)[]): Info {
    let acc: Info = { first: new Map(), last: new Map(), nullable: 1 };
    for (const part of parts) {
      const next = part();
      this.link(acc.last, next.first);
      const first = new Map(acc.first);
      add(first, next.first, acc.nullable);
      const last = new Map(next.last);
      add(last, acc.last, next.nullable);
      acc = { first, last, nullable: cap(acc.nullable * next.nullable) };
    }
    return acc;
  }

  private loop(body: Info, min: number): Info {
    this.link(body.last, body.first);
    return { ...body, nullable: min === 0 ? cap(1 + body.nullable) : body.nullable };
  }

  build(ast: RegexAst): Info {
    switch (ast.t) {
      case 'char':
        return this.position(ast.src);
      case 'backref': {
        // Any text of any length: a position reading anything, repeatable.
        return this.loop(this.position(null), 0);
      }
      case 'empty':
        return { first: new Map(), last: new Map(), nullable: 1 };
      case 'seq':
        return this.seq(ast.items.map((a) => () => this.build(a)));
      case 'alt': {
        const out: Info = { first: new Map(), last: new Map(), nullable: 0 };
        for (const a of ast.alts) {
          const info = this.build(a);
          add(out.first, info.first);
          add(out.last, info.last);
          out.nullable = cap(out.nullable + info.nullable);
        }
        return out;
      }
      case 'rep':
        return this.repeat(ast.body, ast.min, ast.max);
    }
  }

  private repeat(body: RegexAst, min: number, max: number): Info {
    if (max === 0) return { first: new Map(), last: new Map(), nullable: 1 };
    if (max === Infinity || (max > 1 && !this.expand)) return this.loop(this.build(body), min);
    // e{n,m}: n copies, then m-n nested optional copies e(e(e)?)?)? — each copy its own positions.
    const optional = (left: number): Info => {
      if (left === 0) return { first: new Map(), last: new Map(), nullable: 1 };
      const inner = this.seq([() => this.build(body), () => optional(left - 1)]);
      return { ...inner, nullable: cap(1 + inner.nullable) };
    };
    const parts: (() => Info)[] = [];
    for (let k = 0; k < min; k++) parts.push(() => this.build(body));
    parts.push(() => optional(max - min));
    return this.seq(parts);
  }
}
