import { FoundryError } from '../errors';

/**
 * Slows down password guessing: after 5 failures for one username within 15 minutes, further
 * attempts are refused for a lockout that doubles each time (30 s up to 15 min). In memory: a
 * restart resets it, which is acceptable for a desktop app whose database is already local.
 */
const WINDOW_MS = 15 * 60 * 1000;
const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;

export function createSignInLimiter(now: () => number = Date.now) {
  const state = new Map<string, { failures: number[]; lockedUntil: number; locks: number }>();
  const key = (u: string) => u.toLowerCase();

  return {
    check(username: string): void {
      const s = state.get(key(username));
      if (s && s.lockedUntil > now()) {
        const seconds = Math.ceil((s.lockedUntil - now()) / 1000);
        throw new FoundryError({
          code: 'RATE_LIMITED',
          message: `Too many failed sign-ins for "${username}". Try again in ${seconds} s.`,
          details: { retryAfterSeconds: seconds },
        });
      }
    },
    failed(username: string): void {
      const s = state.get(key(username)) ?? { failures: [], lockedUntil: 0, locks: 0 };
      s.failures = [...s.failures.filter((t) => t > now() - WINDOW_MS), now()];
      if (s.failures.length >= FREE_FAILURES) {
        s.lockedUntil = now() + Math.min(BASE_LOCK_MS * 2 ** s.locks, WINDOW_MS);
        s.locks++;
        s.failures = [];
      }
      state.set(key(username), s);
    },
    succeeded(username: string): void {
      state.delete(key(username));
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;
