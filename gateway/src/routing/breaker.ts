/**
 * Circuit breaker per target: closed → open after N consecutive failures → half-open after a
 * cooldown, when exactly one probe request is let through; its outcome closes or re-opens it.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export class Breaker {
  state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(private readonly threshold: number, private readonly cooldownMs: number) {}

  /** May a request go to this target now? In half-open, only the one probe may. */
  allow(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now - this.openedAt < this.cooldownMs) return false;
      this.state = 'half_open';
      this.probing = true;
      return true;
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Without calling allow(): is it worth ordering this target first? */
  available(now: number): boolean {
    return this.state === 'closed' || (this.state === 'open' && now - this.openedAt >= this.cooldownMs) || (this.state === 'half_open' && !this.probing);
  }

  success(): void {
    this.state = 'closed';
    this.failures = 0;
    this.probing = false;
  }

  failure(now: number): void {
    this.probing = false;
    if (this.state === 'half_open') {
      this.state = 'open';
      this.openedAt = now;
      return;
    }
    this.failures += 1;
    if (this.failures >= this.threshold) {
      this.state = 'open';
      this.openedAt = now;
    }
  }
}
