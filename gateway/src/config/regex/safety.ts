/**
 * Catastrophic backtracking check for guardrail regex rules. The gateway runs every rule on every
 * prompt and answer with V8's backtracking engine, so one pattern like `(\w+\s?)+$` lets any client
 * stall the gateway's event loop for every project. The gateway's config schema runs this check on
 * every rule (a hand-written TOML included), and the desktop validates profiles with that schema,
 * so this is the one implementation both sides use.
 *
 * Method: exponential backtracking needs exponential ambiguity (EDA): a state of the pattern's
 * automaton that can loop back to itself in two different ways on the same text (Weideman et al.,
 * "Analyzing Matching Time Behavior of Backtracking Regular Expression Matchers by Using Ambiguity
 * of NFA", 2016). We build the position automaton (Glushkov), counting how many ways the pattern's
 * structure lets one position follow another (a backtracking engine explores each way), and look
 * for (a) a doubled edge on a cycle, or (b) a cycle in the product automaton through a diagonal
 * pair and an off-diagonal one. Characters are compared on a fixed sample of code points plus every
 * literal in the pattern, so "\d" and "[0-9]" overlap and "\d" and "\." do not.
 *
 * Approximations lean towards refusing: anchors and \b read nothing, backreferences read anything.
 * Polynomial blow-up (e.g. `a.*b.*c` on a huge text) is not exponential and is not refused.
 */
import { parseRegex, type RegexAst } from './ast';
import { Automaton, type Counts } from './automaton';
import { components } from './scc';

/** Loops of more positions than this are not analysed (the product automaton grows as n²). */
const MAX_LOOP_POSITIONS = 200;
/** Edge checks in one loop's product automaton before the pattern is called too complex to check. */
const WORK_BUDGET = 4_000_000;
/** Bounded repeats ({2,5}) are expanded while the pattern stays under this many positions. */
const MAX_POSITIONS = 600;

const TOO_COMPLEX = 'has a repeated part too large or too branchy to check for catastrophic backtracking; split it into smaller rules';

export type RegexVerdict = { ok: true } | { ok: false; reason: string };

const SAMPLES: string[] = (() => {
  const out: string[] = [];
  for (let c = 0; c < 0x80; c++) out.push(String.fromCharCode(c));
  for (let c = 0x80; c < 0x3100; c += 7) out.push(String.fromCharCode(c));
  for (const c of [0x3000, 0x4e2d, 0x65e5, 0xac00, 0xfeff, 0xff10, 0xff21, 0x1f600, 0x10400]) out.push(String.fromCodePoint(c));
  return out;
})();

/** Bitsets of which sample characters each position's set contains. */
function memberships(sets: (string | null)[], flags: string, extra: string[]): bigint[] {
  const samples = [...SAMPLES, ...extra];
  const all = (1n << BigInt(samples.length)) - 1n;
  const cache = new Map<string, bigint>();
  return sets.map((src) => {
    if (src === null) return all;
    let bits = cache.get(src);
    if (bits === undefined) {
      let re: RegExp | null = null;
      try {
        re = new RegExp(`^(?:${src})$`, flags);
      } catch {
        // Valid only in its context (our parser's gap): assume it can read anything, which is the safe side.
      }
      bits = re ? 0n : all;
      samples.forEach((s, k) => {
        if (re?.test(s)) bits! |= 1n << BigInt(k);
      });
      cache.set(src, bits);
    }
    return bits;
  });
}

const SYNTAX_CHARS = '^$\\.*+?()[]{}|/';

/** Literal characters of the pattern, added to the samples so two equal literals always overlap. */
function literalsOf(ast: RegexAst, out: Set<string>): void {
  if (ast.t === 'char') {
    if (ast.src.length === 2 && ast.src[0] === '\\' && SYNTAX_CHARS.includes(ast.src[1]!)) out.add(ast.src[1]!);
    else if (!ast.src.startsWith('\\') && !ast.src.startsWith('[') && ast.src !== '.') out.add(ast.src);
  } else if (ast.t === 'seq') ast.items.forEach((a) => literalsOf(a, out));
  else if (ast.t === 'alt') ast.alts.forEach((a) => literalsOf(a, out));
  else if (ast.t === 'rep') literalsOf(ast.body, out);
}

class TooComplex extends Error {}

/**
 * Whether the loop `scc` (positions) lets one position come back to itself two ways on one text:
 * a strongly connected component of the product automaton holding a diagonal pair (q,q) and an
 * off-diagonal one. Throws TooComplex past WORK_BUDGET edge checks, so a dense loop cannot stall a save.
 */
function loopIsAmbiguous(scc: number[], follow: Counts[], sets: bigint[]): boolean {
  const local = new Map(scc.map((p, k) => [p, k]));
  const n = scc.length;
  const succ = scc.map((p) => [...follow[p]!.keys()].filter((q) => local.has(q)).map((q) => local.get(q)!));
  const isSucc = succ.map((list) => {
    const m = new Uint8Array(n);
    for (const q of list) m[q] = 1;
    return m;
  });
  // For each position, the positions whose sets share a character with it: the only pairs a step can reach.
  const overlapping: number[][] = scc.map((p) => scc.flatMap((q, k) => ((sets[p]! & sets[q]!) !== 0n ? [k] : [])));
  let work = 0;
  const pairEdges = function* (v: number): Iterable<number> {
    const a = Math.floor(v / n);
    const b = v % n;
    for (const a2 of succ[a]!) {
      for (const b2 of overlapping[a2]!) {
        if (++work > WORK_BUDGET) throw new TooComplex();
        if (isSucc[b]![b2]) yield a2 * n + b2;
      }
    }
  };
  // Only what a diagonal pair reaches can share a component with one.
  const comp = components(n * n, pairEdges, Array.from({ length: n }, (_, k) => k * n + k));
  const diagonal = new Set<number>();
  for (let k = 0; k < n; k++) diagonal.add(comp[k * n + k]!);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && diagonal.has(comp[a * n + b]!)) return true;
  return false;
}

/**
 * Checks one compiled-OK pattern with its flags. Untrusted input (a gateway ConfigMap, the
 * Guardrails page, a profile file); bounded work: at most MAX_LOOP_POSITIONS² product states per loop.
 */
export function checkBacktracking(pattern: string, flags: string): RegexVerdict {
  let ast: RegexAst;
  try {
    ast = parseRegex(pattern, flags.includes('u'));
  } catch {
    // The pattern compiled, so this is a gap in our parser, not in the pattern: the gateway accepts it too.
    return { ok: true };
  }
  const automaton = new Automaton(ast, MAX_POSITIONS);
  automaton.build(ast);
  const { follow } = automaton;
  const extra = new Set<string>();
  literalsOf(ast, extra);
  const sets = memberships(automaton.sets, flags.replace('g', ''), [...extra]);
  const comp = components(follow.length, (p) => follow[p]!.keys());

  const loops = new Set<number>();
  for (let p = 0; p < follow.length; p++) {
    for (const [q, n] of follow[p]!) {
      if (comp[p] !== comp[q]) continue;
      if (n >= 2 && sets[q] !== 0n) return refuse('a loop can read the same text in two ways (a repeated group whose body can itself repeat or match nothing)');
      loops.add(comp[p]!);
    }
  }
  for (const c of loops) {
    const members: number[] = [];
    for (let p = 0; p < follow.length; p++) if (comp[p] === c) members.push(p);
    if (members.length > MAX_LOOP_POSITIONS) {
      return { ok: false, reason: TOO_COMPLEX };
    }
    try {
      if (loopIsAmbiguous(members, follow, sets)) return refuse('a repeated part can split the same text between its repetitions in more than one way');
    } catch (err) {
      if (!(err instanceof TooComplex)) throw err;
      return { ok: false, reason: TOO_COMPLEX };
    }
  }
  return { ok: true };
}

function refuse(why: string): RegexVerdict {
  return {
    ok: false,
    reason: `can take exponential time on some inputs (catastrophic backtracking): ${why}. Make each character matchable in only one way, e.g. (a+)+ → a+, (\\w+\\s?)+ → [\\w\\s]+, (a|ab)* → (ab?)*`,
  };
}
