import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRegex } from './ast';
import { checkBacktracking } from './safety';

// Classic exponential patterns (OWASP ReDoS examples and their everyday cousins).
const EXPONENTIAL = [
  '(a+)+$',
  '(a|a)*b',
  '(a*)*b',
  '(a*a*)*b',
  '(\\w+\\s?)+$',
  '([a-zA-Z]+)*=',
  '(\\w|\\d)+$',
  '(?:a|b|ab)*c',
  '(\\d+\\.\\d+)+x',
  '(\\w{1,5})+!',
  '(.*a){2,}x',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '(x+x+)+y',
  '(a|\\1)+', // a backreference inside a loop reads anything
];

// Rules people write, including loops that are unambiguous because a separator ends each repetition.
const LINEAR = [
  'swordfish',
  'TCK-\\d{6}',
  '\\b\\d{3}-\\d{2}-\\d{4}\\b',
  'password\\s*[:=]\\s*\\S+',
  '(\\d+\\.)+\\d+',
  '(?:[a-z]+\\.)+[a-z]{2,}',
  '(\\.\\w+)+',
  '(\\w+\\s)+x',
  '(\\s*,\\s*\\w+)*;',
  '(\\d{1,3}\\.){3}\\d{1,3}',
  '(?:\\d{1,3}[ .-]?){4,8}',
  '(ab)+',
  '(?:foo|far)+',
  'a.*b',
  '(?<=x)y(?!z)',
  '[A-Z]{2}\\d{2}[A-Z0-9]{10,30}',
  'x{1,1000}y',
  '(?<word>\\w+)-\\k<word>',
  '\\p{Lu}+',
];

describe('catastrophic backtracking check', () => {
  it.each(EXPONENTIAL)('refuses %s, saying why and how to rewrite it', (pattern) => {
    const v = checkBacktracking(pattern, 'i');
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/catastrophic backtracking/);
  });

  it.each(LINEAR)('accepts %s', (pattern) => {
    expect(checkBacktracking(pattern, pattern.includes('\\p') ? 'iu' : 'i')).toEqual({ ok: true });
  });

  it('tells character sets apart: \\d and \\. do not overlap, \\w and \\d do', () => {
    expect(checkBacktracking('(\\d+\\.)+', '')).toEqual({ ok: true });
    expect(checkBacktracking('(\\w+\\d)+$', '').ok).toBe(false);
  });

  it('follows the flags: with i, [a-z] and [A-Z] overlap', () => {
    expect(checkBacktracking('([a-z]+[A-Z])+$', '')).toEqual({ ok: true });
    expect(checkBacktracking('([a-z]+[A-Z])+$', 'i').ok).toBe(false);
  });

  it('gives up with a clear reason on a loop too large to analyse, quickly', () => {
    const huge = `(?:${Array.from({ length: 150 }, (_, i) => `w${i}x`).join('|')})+`;
    const t = Date.now();
    const v = checkBacktracking(huge, 'i');
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('too large or too branchy') });
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  it('parses groups, classes, escapes, quantifiers and lookarounds', () => {
    expect(parseRegex('(?:a|[b\\]])+?\\d{2,}(?=x)\\b', false)).toEqual({
      t: 'seq',
      items: [
        { t: 'rep', min: 1, max: Infinity, body: { t: 'alt', alts: [{ t: 'char', src: 'a' }, { t: 'char', src: '[b\\]]' }] } },
        { t: 'rep', min: 2, max: Infinity, body: { t: 'char', src: '\\d' } },
        { t: 'empty' },
        { t: 'empty' },
      ],
    });
    // A brace that is not a quantifier is a literal (outside u mode).
    expect(parseRegex('a{x}', false)).toMatchObject({ t: 'seq', items: [{ src: 'a' }, { src: '\\{' }, { src: 'x' }, { src: '\\}' }] });
  });

  it('never throws on any pattern that compiles (random patterns from regex building blocks)', () => {
    const token = fc.constantFrom('a', 'b', '.', '\\d', '\\w', '\\s', '[a-c]', '[^x]', '(', ')', '(?:', '(?=', '(?<n>', '|', '*', '+', '?', '{2}', '{1,3}', '{2,}', '^', '$', '\\b', '\\1', '\\k<n>', '{', '}', ']', '\\u0041', '\\p{L}');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), fc.constantFrom('', 'i', 'u', 'is'), (parts, flags) => {
        const pattern = parts.join('');
        try {
          new RegExp(pattern, flags);
        } catch {
          return; // the gateway schema rejects it before this check runs
        }
        const v = checkBacktracking(pattern, flags);
        expect(typeof v.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
