/**
 * A small parser for JavaScript regular expressions, just detailed enough for the backtracking
 * check in safety.ts: which parts read one character (and from what set), which repeat and
 * how often, and which read nothing (anchors, \b, lookarounds). Patterns reach it only after
 * `new RegExp` accepted them, so it does not re-validate syntax.
 */

export type RegexAst =
  /** Reads one character; `src` is a self-contained pattern for that character (a literal, class, escape or "."). */
  | { t: 'char'; src: string }
  /** A backreference: approximated as "any text", which is what makes it dangerous inside a loop. */
  | { t: 'backref' }
  /** Reads nothing: ^, $, \b, \B, lookarounds, an empty alternative. */
  | { t: 'empty' }
  | { t: 'seq'; items: RegexAst[] }
  | { t: 'alt'; alts: RegexAst[] }
  | { t: 'rep'; body: RegexAst; min: number; max: number };

const SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** A literal character as a pattern that means only that character, in u mode too. */
export function literal(ch: string): string {
  return SYNTAX.has(ch) ? `\\${ch}` : ch;
}

export function parseRegex(source: string, unicode: boolean): RegexAst {
  let i = 0;
  const peek = () => source[i];

  function alternation(): RegexAst {
    const alts = [sequence()];
    while (peek() === '|') {
      i++;
      alts.push(sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  function sequence(): RegexAst {
    const items: RegexAst[] = [];
    while (i < source.length && peek() !== '|' && peek() !== ')') items.push(quantified(atom()));
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  /** `{n}`, `{n,}`, `{n,m}` at i, or null when the brace is a literal (non-u mode allows that). */
  function braces(): { min: number; max: number; end: number } | null {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, end: i + m[0].length };
  }

  function quantified(body: RegexAst): RegexAst {
    for (;;) {
      const c = peek();
      let q: { min: number; max: number } | null = null;
      if (c === '*') (q = { min: 0, max: Infinity }), i++;
      else if (c === '+') (q = { min: 1, max: Infinity }), i++;
      else if (c === '?') (q = { min: 0, max: 1 }), i++;
      else if (c === '{') {
        const b = braces();
        if (b) (q = b), (i = b.end);
      }
      if (!q) return body;
      if (peek() === '?') i++; // lazy: same ambiguity, other order
      body = { t: 'rep', body, min: q.min, max: q.max };
    }
  }

  function group(): RegexAst {
    i++; // (
    let lookaround = false;
    if (source.startsWith('?:', i)) i += 2;
    else if (source.startsWith('?=', i) || source.startsWith('?!', i)) (lookaround = true), (i += 2);
    else if (source.startsWith('?<=', i) || source.startsWith('?<!', i)) (lookaround = true), (i += 3);
    else if (source.startsWith('?<', i)) i = source.indexOf('>', i) + 1;
    else if (peek() === '?') i = source.indexOf(':', i) + 1; // modifiers such as (?i:...)
    const inner = alternation();
    i++; // )
    return lookaround ? { t: 'empty' } : inner;
  }

  function charClass(): RegexAst {
    const start = i;
    i++; // [
    while (i < source.length && peek() !== ']') i += peek() === '\\' ? 2 : 1;
    i++; // ]
    return { t: 'char', src: source.slice(start, i) };
  }

  function escape(): RegexAst {
    const start = i;
    const c = source[i + 1] ?? '';
    i += 2;
    if (c === 'b' || c === 'B') return { t: 'empty' };
    if (/[1-9]/.test(c)) {
      while (/\d/.test(peek() ?? '')) i++;
      return { t: 'backref' };
    }
    if (c === 'k' && peek() === '<') {
      i = source.indexOf('>', i) + 1;
      return { t: 'backref' };
    }
    if ((c === 'p' || c === 'P') && peek() === '{') i = source.indexOf('}', i) + 1;
    else if (c === 'u' && unicode && peek() === '{') i = source.indexOf('}', i) + 1;
    else if (c === 'u' && /^[0-9a-fA-F]{4}/.test(source.slice(i))) i += 4;
    else if (c === 'x' && /^[0-9a-fA-F]{2}/.test(source.slice(i))) i += 2;
    else if (c === 'c' && /[A-Za-z]/.test(peek() ?? '')) i += 1;
    return { t: 'char', src: source.slice(start, i) };
  }

  function atom(): RegexAst {
    const c = peek()!;
    if (c === '(') return group();
    if (c === '[') return charClass();
    if (c === '\\') return escape();
    if (c === '^' || c === '$') {
      i++;
      return { t: 'empty' };
    }
    if (c === '.') {
      i++;
      return { t: 'char', src: '.' };
    }
    const cp = unicode ? String.fromCodePoint(source.codePointAt(i)!) : c;
    i += cp.length;
    return { t: 'char', src: literal(cp) };
  }

  const ast = alternation();
  if (i < source.length) throw new Error(`unexpected "${source[i]}" at ${i}`);
  return ast;
}
