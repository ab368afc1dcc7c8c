/**
 * Retry budget: every request deposits `ratio` tokens, every retry spends one, so retries stay a
 * bounded fraction of traffic and an outage cannot turn into a retry storm. A small floor lets a
 * quiet model still retry.
 */
export class RetryBudget {
  private tokens: number;

  constructor(private readonly ratio: number, private readonly floor = 10, private readonly max = 1_000) {
    this.tokens = floor;
  }

  deposit(): void {
    this.tokens = Math.min(this.max, this.tokens + this.ratio);
  }

  withdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
