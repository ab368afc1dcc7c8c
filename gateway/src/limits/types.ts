/**
 * Rate limits are token buckets. A request bucket costs 1 at admission. A token bucket costs
 * nothing at admission but must not be in debt; the real token count is debited after the call
 * (it is only known then), so one large answer can push the bucket negative and later requests wait.
 */
export interface Bucket {
  key: string;
  capacity: number;
  /** Refill per millisecond. */
  perMs: number;
  /** 1 for request buckets, 0 for token buckets at admission. */
  cost: number;
  kind: 'requests' | 'tokens';
}

export interface Decision {
  ok: boolean;
  /** When !ok: how long until every blocking bucket could admit, ms. */
  retryAfterMs: number;
  /** Remaining level per bucket after the decision, same order as the input. */
  levels: number[];
}

export interface BudgetScope {
  key: string;
  limit: number;
}

export interface LimitStore {
  take(buckets: readonly Bucket[]): Decision | Promise<Decision>;
  debit(buckets: readonly Bucket[], amount: number): void | Promise<void>;
  /** Tokens used this month per scope, same order as the input. */
  budgetUsed(scopes: readonly BudgetScope[]): number[] | Promise<number[]>;
  budgetAdd(scopes: readonly BudgetScope[], amount: number): void | Promise<void>;
  close(): Promise<void>;
}

/** A token bucket needs a strictly positive level to admit even at zero cost. */
export const MIN_LEVEL = 1e-6;

// The month key is asked for twice per request; the answer only changes at a month boundary, so
// it is kept with the UTC interval it is valid for (a Date per request showed in profiles).
let cached = { from: 0, to: -1, key: '' };

export function monthKey(now: number): string {
  if (now >= cached.from && now < cached.to) return cached.key;
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  cached = { from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1), key: `${y}-${String(m + 1).padStart(2, '0')}` };
  return cached.key;
}
