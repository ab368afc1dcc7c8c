/**
 * PII detectors: a regex that finds candidates (compiled once, at module load) and, where the
 * format has a checksum, a validator that rejects look-alikes, so a 16-digit order number that
 * fails Luhn is not a card and a random "DE00…" string that fails mod-97 is not an IBAN.
 */
import type { PII_KINDS } from '../config/schema';

export type PiiKind = (typeof PII_KINDS)[number];

export interface Detector {
  /** Rule name used in metrics, headers and errors: `pii.email`, `deny`, `rule.<name>`. */
  rule: string;
  /** Global regex; callers reset lastIndex (or use String#replace, which does). */
  re: RegExp;
  /** Rejects candidates the regex found but the format's checksum or shape disallows. */
  valid?: (match: string) => boolean;
  replacement: string;
  /** A literal every match contains: when the text lacks it, the regex is not run at all. */
  hint?: string;
}

/** Luhn (mod 10) over the digits of s. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

/** 13–19 digits from a major network's range (2–6), Luhn-valid, not one repeated digit. */
export function isCard(match: string): boolean {
  const d = digitsOf(match);
  if (d.length < 13 || d.length > 19) return false;
  const first = d.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  if (/^(\d)\1+$/.test(d)) return false;
  return luhn(d);
}

/** ISO 13616: country letters, two check digits, BBAN; rearranged, letters as numbers, mod 97 = 1. */
export function isIban(match: string): boolean {
  const s = match.replace(/ /g, '').toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** International (+CC …) with 8–15 digits, or national with separators and 10–11 digits. */
export function isPhone(match: string): boolean {
  const d = digitsOf(match);
  if (match.startsWith('+')) return d.length >= 8 && d.length <= 15;
  if (d.length < 10 || d.length > 11) return false;
  if (IPV4.test(match)) return false;
  // A national number is written with separators; a bare 10-digit run is an id, not a phone.
  return /[ ().-]/.test(match);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const VENDOR_KEY = /^(?:sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}|fdy_[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})$/;

/** Vendor-prefixed keys are always secrets; a bare token must look random (mixed classes, entropy). */
export function isApiKey(match: string): boolean {
  if (VENDOR_KEY.test(match)) return true;
  if (match.length < 32) return false;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  for (let i = 0; i < match.length; i++) {
    const c = match.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digit++;
  }
  return upper >= 2 && lower >= 2 && digit >= 3 && entropy(match) >= 4;
}

const PII: Record<PiiKind, () => Detector> = {
  // Every key format is a run of [A-Za-z0-9_-]; a greedy run from a word boundary lets V8
  // scan fast, and the validator decides (vendor prefix, or long enough and random-looking).
  api_key: () => ({
    rule: 'pii.api_key',
    re: /\b[A-Za-z0-9_-]{15,}/g,
    valid: isApiKey,
    replacement: '[API_KEY]',
  }),
  email: () => ({
    rule: 'pii.email',
    re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    replacement: '[EMAIL]',
    hint: '@',
  }),
  iban: () => ({
    rule: 'pii.iban',
    re: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    valid: isIban,
    replacement: '[IBAN]',
  }),
  card: () => ({
    rule: 'pii.card',
    re: /(?<![\d.+-])\d(?:[ -]?\d){12,18}(?![\d])/g,
    valid: isCard,
    replacement: '[CARD]',
  }),
  phone: () => ({
    rule: 'pii.phone',
    re: /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{1,4}){1,6}(?![\w])/g,
    valid: isPhone,
    replacement: '[PHONE]',
  }),
};

/** Fixed order: keys and emails first (they contain digits), then checksummed numbers, then phones. */
const ORDER: PiiKind[] = ['api_key', 'email', 'iban', 'card', 'phone'];

export function piiDetectors(kinds: readonly PiiKind[]): Detector[] {
  return ORDER.filter((k) => kinds.includes(k)).map((k) => PII[k]());
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One alternation for the whole deny list, longest first, whole-word, case-insensitive. */
export function denyDetector(terms: readonly string[]): Detector | null {
  if (terms.length === 0) return null;
  const alt = [...new Set(terms.map((t) => t.trim()).filter(Boolean))].sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
  return { rule: 'deny', re: new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alt})(?![\\p{L}\\p{N}_])`, 'giu'), replacement: '[DENIED]' };
}
