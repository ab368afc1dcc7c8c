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

export function monthKey(now: number): string {
  const d = new Date(now);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
