/**
 * Failed-authentication limiter per source IP: a token bucket that only failures drain, so a
 * client guessing keys is slowed down while a correct key never pays for it.
 */
const MAX_TRACKED = 50_000;

interface Bucket {
  level: number;
  at: number;
}

export class FailedAuthLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(readonly perMinute: number) {
    this.perMs = perMinute / 60_000;
  }

  private level(ip: string, now: number): Bucket | undefined {
    const b = this.buckets.get(ip);
    if (!b) return undefined;
    b.level = Math.min(this.perMinute, b.level + (now - b.at) * this.perMs);
    b.at = now;
    if (b.level >= this.perMinute) {
      this.buckets.delete(ip);
      return undefined;
    }
    return b;
  }

  /** Seconds to wait when this IP is blocked, else 0. */
  blockedFor(ip: string, now: number): number {
    const b = this.level(ip, now);
    if (!b || b.level >= 1) return 0;
    return Math.ceil((1 - b.level) / this.perMs / 1000);
  }

  recordFailure(ip: string, now: number): void {
    const b = this.level(ip, now);
    if (b) {
      b.level -= 1;
      return;
    }
    if (this.buckets.size >= MAX_TRACKED) {
      // Bounded memory under a spray of source addresses: forget the oldest entry.
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(ip, { level: this.perMinute - 1, at: now });
  }
}
