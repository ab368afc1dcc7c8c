import { describe, expect, it } from 'vitest';
import { UsageFeed, type UsageEvent } from './feed';

const event = (n: number, over: Partial<UsageEvent> = {}): Omit<UsageEvent, 'seq'> => ({
  at_ms: 1_700_000_000_000 + n,
  project: `p${n % 3}`,
  key: `k${n}`,
  model: 'm',
  target: n % 2 ? 'vllm/m' : null,
  prompt_tokens: n,
  completion_tokens: 2 * n,
  status: 200,
  stream: n % 2 === 0,
  duration_ms: n + 0.125,
  aborted: n % 5 === 0,
  cached: n % 7 === 0,
  ...over,
});

describe('usage feed', () => {
  it('gives back every field as pushed, in order, with sequence numbers from 1', () => {
    const feed = new UsageFeed(16);
    for (let n = 1; n <= 10; n++) feed.push(event(n));
    feed.push(event(11, { status: 499, target: null, stream: true, aborted: true, cached: true, duration_ms: 12345.678 }));
    const page = feed.read(0, 100);
    expect(page).toMatchObject({ next_cursor: 11, lost: 0 });
    expect(page.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (let n = 1; n <= 10; n++) expect(page.events[n - 1]).toEqual({ seq: n, ...event(n) });
    expect(page.events[10]).toEqual({ seq: 11, ...event(11, { status: 499, target: null, stream: true, aborted: true, cached: true, duration_ms: 12345.678 }) });
  });

  it('reads by cursor and limit, and an up-to-date cursor gets nothing and keeps its place', () => {
    const feed = new UsageFeed(16);
    for (let n = 1; n <= 5; n++) feed.push(event(n));
    expect(feed.read(0, 2)).toMatchObject({ next_cursor: 2, lost: 0 });
    expect(feed.read(2, 2).events.map((e) => e.seq)).toEqual([3, 4]);
    expect(feed.read(5, 10)).toEqual({ events: [], next_cursor: 5, lost: 0 });
  });

  it('says how many events fell out of the ring when the reader is behind by more than its capacity', () => {
    const feed = new UsageFeed(4);
    for (let n = 1; n <= 10; n++) feed.push(event(n));
    const page = feed.read(0, 100);
    expect(page.lost).toBe(6);
    expect(page.events.map((e) => e.key)).toEqual(['k7', 'k8', 'k9', 'k10']);
    expect(page.next_cursor).toBe(10);
    // A slot reused by a later event shows the later event's values, not a mix.
    expect(page.events[0]).toEqual({ seq: 7, ...event(7) });
  });
});
