/**
 * Usage events for the agent to collect by cursor. A bounded ring: when the agent falls more than
 * `capacity` events behind, the read says how many were lost instead of silently skipping them.
 */
export interface UsageEvent {
  seq: number;
  /** Epoch milliseconds. */
  at_ms: number;
  project: string;
  key: string;
  model: string;
  target: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  status: number;
  stream: boolean;
  duration_ms: number;
  /** The client went away before the answer finished; tokens are what was produced until then. */
  aborted: boolean;
  /** Served from the response cache (no upstream call); tokens are the cached answer's usage. */
  cached: boolean;
}

export interface UsagePage {
  events: UsageEvent[];
  next_cursor: number;
  /** Events that fell out of the ring before this cursor could read them. */
  lost: number;
}

export class UsageFeed {
  private readonly ring: (UsageEvent | undefined)[];
  private next = 1;

  constructor(private readonly capacity = 100_000) {
    this.ring = new Array(capacity);
  }

  push(e: Omit<UsageEvent, 'seq'>): void {
    const seq = this.next++;
    (e as UsageEvent).seq = seq;
    this.ring[seq % this.capacity] = e as UsageEvent;
  }

  /** Events with seq > cursor, oldest first. */
  read(cursor: number, limit: number): UsagePage {
    const oldest = Math.max(1, this.next - this.capacity);
    const from = Math.max(cursor + 1, oldest);
    const lost = Math.max(0, oldest - (cursor + 1));
    const to = Math.min(this.next, from + limit);
    const events: UsageEvent[] = [];
    for (let s = from; s < to; s++) events.push(this.ring[s % this.capacity]!);
    return { events, next_cursor: to - 1 < cursor ? cursor : to - 1, lost };
  }
}
