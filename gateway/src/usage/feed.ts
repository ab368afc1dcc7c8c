/**
 * Usage events for the agent to collect by cursor. A bounded ring: when the agent falls more than
 * `capacity` events behind, the read says how many were lost instead of silently skipping them.
 *
 * The ring is kept in columns (typed arrays for the numbers and flags, plain arrays holding the
 * strings the request already had) rather than as one object per event. At tens of thousands of
 * requests per second every event object lived the ring's few seconds, long enough to be promoted
 * to V8's old generation and die there: a steady stream of old-space garbage (and a write barrier
 * per store) paid for by every request. Columns make a push a handful of stores and no allocation;
 * objects are built only when the agent reads a page.
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

const STREAM = 1;
const ABORTED = 2;
const CACHED = 4;

export class UsageFeed {
  private next = 1;
  private readonly atMs: Float64Array;
  private readonly promptTokens: Float64Array;
  private readonly completionTokens: Float64Array;
  private readonly durationMs: Float64Array;
  private readonly status: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly project: string[];
  private readonly key: string[];
  private readonly model: string[];
  private readonly target: (string | null)[];

  constructor(private readonly capacity = 100_000) {
    this.atMs = new Float64Array(capacity);
    this.promptTokens = new Float64Array(capacity);
    this.completionTokens = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.status = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
    // Filled up front so the arrays keep one element kind (no holes to transition from).
    this.project = new Array<string>(capacity).fill('');
    this.key = new Array<string>(capacity).fill('');
    this.model = new Array<string>(capacity).fill('');
    this.target = new Array<string | null>(capacity).fill(null);
  }

  push(e: Omit<UsageEvent, 'seq'>): void {
    const i = this.next++ % this.capacity;
    this.atMs[i] = e.at_ms;
    this.project[i] = e.project;
    this.key[i] = e.key;
    this.model[i] = e.model;
    this.target[i] = e.target;
    this.promptTokens[i] = e.prompt_tokens;
    this.completionTokens[i] = e.completion_tokens;
    this.status[i] = e.status;
    this.durationMs[i] = e.duration_ms;
    this.flags[i] = (e.stream ? STREAM : 0) | (e.aborted ? ABORTED : 0) | (e.cached ? CACHED : 0);
  }

  /** Events with seq > cursor, oldest first. */
  read(cursor: number, limit: number): UsagePage {
    const oldest = Math.max(1, this.next - this.capacity);
    const from = Math.max(cursor + 1, oldest);
    const lost = Math.max(0, oldest - (cursor + 1));
    const to = Math.min(this.next, from + limit);
    const events: UsageEvent[] = [];
    for (let seq = from; seq < to; seq++) events.push(this.at(seq));
    return { events, next_cursor: to - 1 < cursor ? cursor : to - 1, lost };
  }

  private at(seq: number): UsageEvent {
    const i = seq % this.capacity;
    const f = this.flags[i]!;
    return {
      seq,
      at_ms: this.atMs[i]!,
      project: this.project[i]!,
      key: this.key[i]!,
      model: this.model[i]!,
      target: this.target[i]!,
      prompt_tokens: this.promptTokens[i]!,
      completion_tokens: this.completionTokens[i]!,
      status: this.status[i]!,
      stream: (f & STREAM) !== 0,
      duration_ms: this.durationMs[i]!,
      aborted: (f & ABORTED) !== 0,
      cached: (f & CACHED) !== 0,
    };
  }
}
