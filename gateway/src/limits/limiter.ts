/**
 * Admission and settlement for one request: request and token buckets per key, project and model,
 * and monthly token budgets per key and project. Plans are cached per (caller, model) so the hot
 * path builds no bucket objects.
 */
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/schema';
import { GatewayError } from '../errors';
import type { Bucket, BudgetScope, Decision, LimitStore } from './types';

export interface LimitPlan {
  buckets: Bucket[];
  tokenBuckets: Bucket[];
  budgets: BudgetScope[];
}

export interface Admission {
  plan: LimitPlan;
  /** x-ratelimit-* headers, flat [name, value, name, value…]. */
  headers: string[];
}

const EMPTY: LimitPlan = { buckets: [], tokenBuckets: [], budgets: [] };

function add(plan: LimitPlan, key: string, limits: { requests_per_minute?: number; tokens_per_minute?: number }): void {
  if (limits.requests_per_minute) {
    plan.buckets.push({ key: `${key}:r`, capacity: limits.requests_per_minute, perMs: limits.requests_per_minute / 60_000, cost: 1, kind: 'requests' });
  }
  if (limits.tokens_per_minute) {
    const b: Bucket = { key: `${key}:t`, capacity: limits.tokens_per_minute, perMs: limits.tokens_per_minute / 60_000, cost: 0, kind: 'tokens' };
    plan.buckets.push(b);
    plan.tokenBuckets.push(b);
  }
}

function fmtReset(ms: number): string {
  return `${Math.max(0, Math.ceil(ms) / 1000)}s`;
}

export class Limiter {
  private readonly plans = new Map<string, LimitPlan>();

  constructor(private readonly store: LimitStore, private readonly config: GatewayConfig) {}

  plan(p: Principal, model: string): LimitPlan {
    const id = `${p.id}\u0000${model}`;
    let plan = this.plans.get(id);
    if (plan) return plan;
    plan = { buckets: [], tokenBuckets: [], budgets: [] };
    add(plan, `k:${p.id}`, { requests_per_minute: p.requestsPerMinute, tokens_per_minute: p.tokensPerMinute });
    const project = this.config.projects[p.project];
    if (project) add(plan, `p:${p.project}`, project);
    const m = this.config.models[model];
    if (m) add(plan, `m:${model}`, m);
    if (p.monthlyTokenBudget) plan.budgets.push({ key: `k:${p.id}`, limit: p.monthlyTokenBudget });
    if (project?.monthly_token_budget) plan.budgets.push({ key: `p:${p.project}`, limit: project.monthly_token_budget });
    if (plan.buckets.length === 0 && plan.budgets.length === 0) plan = EMPTY;
    if (this.plans.size > 100_000) this.plans.clear();
    this.plans.set(id, plan);
    return plan;
  }

  /**
   * The admission or a GatewayError (429) — errors as values, nothing thrown. Synchronous when the
   * store is (in-process limits): no promise or extra tick per request; a Redis store's answers are
   * promises, chained in the same order (budgets first, then the buckets).
   */
  admit(p: Principal, model: string): Admission | GatewayError | Promise<Admission | GatewayError> {
    const plan = this.plan(p, model);
    if (plan === EMPTY) return { plan, headers: [] };
    if (plan.budgets.length === 0) return this.decide(plan, this.store.take(plan.buckets));
    const used = this.store.budgetUsed(plan.budgets);
    if (used instanceof Promise) return used.then((u) => this.afterBudgets(plan, u));
    return this.afterBudgets(plan, used);
  }

  private afterBudgets(plan: LimitPlan, used: number[]): Admission | GatewayError | Promise<Admission | GatewayError> {
    for (let i = 0; i < used.length; i++) {
      if (used[i]! >= plan.budgets[i]!.limit) {
        return new GatewayError('insufficient_quota', 'You exceeded your monthly token budget.');
      }
    }
    return this.decide(plan, this.store.take(plan.buckets));
  }

  private decide(plan: LimitPlan, d: Decision | Promise<Decision>): Admission | GatewayError | Promise<Admission | GatewayError> {
    if (d instanceof Promise) return d.then((x) => this.decide(plan, x) as Admission | GatewayError);
    const headers = this.headers(plan, d);
    if (!d.ok) {
      const retryAfterS = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
      const err = new GatewayError('rate_limit_exceeded', `Rate limit reached; retry in ${retryAfterS}s.`, { retryAfterS });
      (err as GatewayError & { headers?: string[] }).headers = headers;
      return err;
    }
    return { plan, headers };
  }

  private headers(plan: LimitPlan, d: Decision): string[] {
    const out: string[] = [];
    for (const kind of ['requests', 'tokens'] as const) {
      let best = -1;
      for (let i = 0; i < plan.buckets.length; i++) {
        if (plan.buckets[i]!.kind === kind && (best < 0 || d.levels[i]! < d.levels[best]!)) best = i;
      }
      if (best < 0) continue;
      const b = plan.buckets[best]!;
      const level = d.levels[best]!;
      out.push(`x-ratelimit-limit-${kind}`, String(b.capacity));
      out.push(`x-ratelimit-remaining-${kind}`, String(Math.max(0, Math.floor(level))));
      out.push(`x-ratelimit-reset-${kind}`, fmtReset((b.capacity - level) / b.perMs));
    }
    return out;
  }

  /**
   * After the call: debit token buckets and budgets with the real usage. Never rejects. Returns a
   * promise only for a remote store, so a caller can hold the response until a shared budget is
   * settled and the next request, on any replica, sees it.
   */
  settle(plan: LimitPlan, tokens: number): void | Promise<void> {
    if (plan === EMPTY || tokens <= 0) return;
    const a = plan.tokenBuckets.length ? this.store.debit(plan.tokenBuckets, tokens) : undefined;
    const b = plan.budgets.length ? this.store.budgetAdd(plan.budgets, tokens) : undefined;
    if (a instanceof Promise || b instanceof Promise) {
      return Promise.all([a, b]).then(
        () => undefined,
        () => undefined,
      );
    }
  }
}
