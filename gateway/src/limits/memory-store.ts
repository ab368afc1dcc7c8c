/** One replica's limits, in process: synchronous, so the hot path awaits nothing. */
import { MIN_LEVEL, monthKey, type Bucket, type BudgetScope, type Decision, type LimitStore } from './types';

interface State {
  level: number;
  at: number;
}

export class MemoryLimitStore implements LimitStore {
  private readonly buckets = new Map<string, State>();
  /** Tokens used per budget scope, one map per UTC month ('2026-01' → scope key → tokens). */
  private readonly budgets = new Map<string, Map<string, number>>();
  private month = '';
  private monthUsed = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  private state(b: Bucket, now: number): State {
    let s = this.buckets.get(b.key);
    if (!s) {
      s = { level: b.capacity, at: now };
      this.buckets.set(b.key, s);
      return s;
    }
    s.level = Math.min(b.capacity, s.level + (now - s.at) * b.perMs);
    s.at = now;
    return s;
  }

  take(buckets: readonly Bucket[]): Decision {
    const now = this.now();
    let retry = 0;
    const levels: number[] = new Array(buckets.length);
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      const s = this.state(b, now);
      const need = b.cost > 0 ? b.cost : MIN_LEVEL;
      if (s.level < need) retry = Math.max(retry, Math.ceil((need - s.level) / b.perMs));
      levels[i] = s.level;
    }
    if (retry > 0) return { ok: false, retryAfterMs: retry, levels };
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]!;
      const s = this.buckets.get(b.key)!;
      s.level -= b.cost;
      levels[i] = s.level;
    }
    return { ok: true, retryAfterMs: 0, levels };
  }

  debit(buckets: readonly Bucket[], amount: number): void {
    if (amount <= 0) return;
    const now = this.now();
    for (const b of buckets) {
      const s = this.state(b, now);
      // Debt is bounded to one bucket's worth so a single huge answer cannot block for hours.
      s.level = Math.max(-b.capacity, s.level - amount);
    }
  }

  /** This month's map: scope keys are looked up as they are, with no per-request key building. */
  private used(): Map<string, number> {
    const month = monthKey(this.now());
    if (month !== this.month) {
      let m = this.budgets.get(month);
      if (!m) {
        m = new Map();
        this.budgets.set(month, m);
      }
      this.month = month;
      this.monthUsed = m;
    }
    return this.monthUsed;
  }

  budgetUsed(scopes: readonly BudgetScope[]): number[] {
    const used = this.used();
    const out: number[] = new Array(scopes.length);
    for (let i = 0; i < scopes.length; i++) out[i] = used.get(scopes[i]!.key) ?? 0;
    return out;
  }

  budgetAdd(scopes: readonly BudgetScope[], amount: number): void {
    if (amount <= 0) return;
    const used = this.used();
    for (const s of scopes) used.set(s.key, (used.get(s.key) ?? 0) + amount);
  }

  async close(): Promise<void> {}
}
