/**
 * The limits the gateway enforces, as the desktop stores them: token buckets per minute (requests
 * and tokens) for projects, API keys and endpoints, and monthly token budgets for projects and keys.
 * null everywhere means "no limit". The bounds are well above what any gateway fleet serves; a
 * number past them is a typo (an extra zero or three), not a plan, so it is refused.
 */
import { z } from 'zod';

export const MAX_REQUESTS_PER_MINUTE = 100_000_000;
export const MAX_TOKENS_PER_MINUTE = 10_000_000_000;
export const MAX_MONTHLY_TOKEN_BUDGET = 1_000_000_000_000_000;

export interface RateLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface ProjectLimits extends RateLimits {
  monthlyTokenBudget: number | null;
  /** The gateway's access log carries this project's request and response bodies (secrets redacted). */
  logBodies: boolean;
}

export type KeyLimits = RateLimits & { monthlyTokenBudget: number | null };

const limit = (unit: string, max: number) =>
  z
    .number({ error: `must be a whole number of ${unit}, or null for no limit` })
    .int(`must be a whole number of ${unit}`)
    .min(1, `must be at least 1 ${unit}; use null (no limit) to remove the limit`)
    .max(max, `must be at most ${max.toLocaleString('en-US')} ${unit} (more than any gateway fleet serves; check for extra zeros)`)
    .nullable();

export const requestsPerMinute = limit('requests per minute', MAX_REQUESTS_PER_MINUTE);
export const tokensPerMinute = limit('tokens per minute', MAX_TOKENS_PER_MINUTE);
export const monthlyTokenBudget = limit('tokens a month', MAX_MONTHLY_TOKEN_BUDGET);

/** Rows keep limits as SQLite integers; the gateway's schema wants the key absent for "no limit". */
export function rateFields(r: { requests_per_minute: number | null; tokens_per_minute: number | null }): { requests_per_minute?: number; tokens_per_minute?: number } {
  return {
    ...(r.requests_per_minute ? { requests_per_minute: r.requests_per_minute } : {}),
    ...(r.tokens_per_minute ? { tokens_per_minute: r.tokens_per_minute } : {}),
  };
}
