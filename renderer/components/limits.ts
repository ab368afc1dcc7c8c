/**
 * Limits in the UI: the compact text tables show ("600 rpm · 2M tpm · 50M tokens/mo"), and the
 * mapping from a NumberInput's value to a channel's limit (empty: no limit). The core judges the
 * range; the form only keeps what is not a whole number at all from being sent.
 */
export type LimitField = 'requestsPerMinute' | 'tokensPerMinute' | 'monthlyTokenBudget';

export interface Limits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlyTokenBudget?: number | null;
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
export const compact = (n: number) => compactFormat.format(n);

const UNITS: Record<LimitField, string> = { requestsPerMinute: 'rpm', tokensPerMinute: 'tpm', monthlyTokenBudget: 'tokens/mo' };
const LONG_UNITS: Record<LimitField, string> = { requestsPerMinute: 'requests per minute', tokensPerMinute: 'tokens per minute', monthlyTokenBudget: 'tokens a month' };

/** The limits that are set, in table order, short and long. */
export function limitParts(l: Limits): { field: LimitField; short: string; long: string }[] {
  return (['requestsPerMinute', 'tokensPerMinute', 'monthlyTokenBudget'] as const)
    .filter((f) => l[f] != null)
    .map((f) => ({ field: f, short: `${compact(l[f]!)} ${UNITS[f]}`, long: `${l[f]!.toLocaleString('en-US')} ${LONG_UNITS[f]}` }));
}

/** A NumberInput's value (a number, or a string while empty or half-typed). */
export type LimitValue = number | string;

export const limitValue = (v: number | null | undefined): LimitValue => (v == null ? '' : v);

/** A subject's three limits as form values. */
export const limitValues = (l: Required<Limits>): Record<LimitField, LimitValue> => ({
  requestsPerMinute: limitValue(l.requestsPerMinute),
  tokensPerMinute: limitValue(l.tokensPerMinute),
  monthlyTokenBudget: limitValue(l.monthlyTokenBudget),
});

/** The three form values as a channel takes them. */
export const limitInputs = (v: Record<LimitField, LimitValue>): Required<Limits> => ({
  requestsPerMinute: limitInput(v.requestsPerMinute),
  tokensPerMinute: limitInput(v.tokensPerMinute),
  monthlyTokenBudget: limitInput(v.monthlyTokenBudget),
});

/** What the channel gets: null for an empty field (no limit), else the number. */
export function limitInput(v: LimitValue): number | null {
  if (typeof v === 'number') return v;
  const t = v.replace(/,/g, '').trim();
  return t === '' ? null : Number(t);
}

/** Why a field's value cannot be sent at all, in the channel's words; null when it can (the core judges the range). */
export function limitProblem(v: LimitValue): string | null {
  const n = limitInput(v);
  if (n === null) return null;
  if (!Number.isFinite(n) || !Number.isInteger(n)) return 'must be a whole number';
  if (n < 1) return 'must be at least 1; leave it empty for no limit';
  return null;
}
