/**
 * Limit flags shared by `projects limits`, `apikeys create/update` and `endpoints add/update`:
 * --rpm/--tpm/--budget take a whole number (600, 2_000_000, 2,000,000, 2M, 500k) or "none" to
 * remove the limit. The channels judge the range; here only what is not a number at all, or not
 * a positive whole one, is refused, naming the flag.
 */
import { FoundryError } from '../../core/errors';

const SCALE: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, b: 1e9 };

export function parseLimit(flag: string, value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'none' || v === 'off' || v === 'unlimited') return null;
  const m = /^(-?[\d.]+)([kmgb]?)$/.exec(v.replace(/[_,]/g, ''));
  const n = m ? Number(m[1]) * SCALE[m[2]!]! : NaN;
  const wrong = (what: string) =>
    new FoundryError({
      code: 'INVALID_INPUT',
      message: `${flag} "${value}" ${what}. Nothing was saved.`,
      hint: `Give a whole number such as 600, 2_000_000 or 2M, or "none" to remove the limit.`,
    });
  if (!Number.isFinite(n)) throw wrong('is not a number');
  if (n <= 0) throw wrong('must be at least 1');
  if (!Number.isInteger(n)) throw wrong('must be a whole number');
  return n;
}

export interface LimitFlags {
  rpm?: string;
  tpm?: string;
  budget?: string;
}

export const rateInput = (o: LimitFlags) => ({ requestsPerMinute: parseLimit('--rpm', o.rpm), tokensPerMinute: parseLimit('--tpm', o.tpm) });

const n = (v: number | null) => (v === null ? null : v.toLocaleString('en-US'));

/** "600 rpm, 2,000,000 tpm, 5,000,000 tokens/month", or "none". */
export function limitsText(x: { requestsPerMinute: number | null; tokensPerMinute: number | null; monthlyTokenBudget?: number | null }): string {
  const parts = [
    x.requestsPerMinute !== null ? `${n(x.requestsPerMinute)} rpm` : null,
    x.tokensPerMinute !== null ? `${n(x.tokensPerMinute)} tpm` : null,
    x.monthlyTokenBudget != null ? `${n(x.monthlyTokenBudget)} tokens/month` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}
