/**
 * Live state of one upstream target: outstanding requests, peak-EWMA latency (Finagle's
 * "peak EWMA": a slow response raises the estimate at once, recovery decays over tau), breaker
 * state and the last KV-cache scrape. It outlives config reloads so breakers and latency history
 * are not reset by an unrelated config change.
 */
import { Breaker } from './breaker';

const TAU_MS = 10_000;

export interface KvSnapshot {
  cacheUsage: number;
  waiting: number;
  at: number;
}

export class TargetState {
  outstanding = 0;
  ewmaMs = 0;
  private lastAt = 0;
  kv: KvSnapshot | null = null;
  breaker: Breaker;

  constructor(readonly id: string, threshold: number, cooldownMs: number) {
    this.breaker = new Breaker(threshold, cooldownMs);
  }

  observe(rttMs: number, now: number): void {
    if (rttMs > this.ewmaMs) this.ewmaMs = rttMs;
    else {
      const w = Math.exp(-(now - this.lastAt) / TAU_MS);
      this.ewmaMs = this.ewmaMs * w + rttMs * (1 - w);
    }
    this.lastAt = now;
  }

  /** Expected cost of sending one more request here. */
  cost(): number {
    return (this.ewmaMs + 1) * (this.outstanding + 1);
  }
}
