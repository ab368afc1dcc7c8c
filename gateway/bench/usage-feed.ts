// `npx tsx --expose-gc gateway/bench/usage-feed.ts` (node --expose-gc --import tsx …) — not a test. The usage
// feed's memory and push cost against the object-per-event ring it replaced (kept here as the reference), in
// one process: memory held by a full 100k-event ring after a full GC (JS heap + ArrayBuffers), and µs per push over 300k pushes.
import { UsageFeed, type UsageEvent } from '../src/usage/feed';

/** The previous design: one object per event in a plain array ring. */
class ObjectRing {
  private readonly ring: (UsageEvent | undefined)[];
  private next = 1;
  constructor(private readonly capacity: number) {
    this.ring = new Array(capacity);
  }
  push(e: Omit<UsageEvent, 'seq'>): void {
    const seq = this.next++;
    (e as UsageEvent).seq = seq;
    this.ring[seq % this.capacity] = e as UsageEvent;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc: node --expose-gc --import tsx gateway/bench/usage-feed.ts');
const projects = ['team-a', 'team-b'];
const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
const models = ['llama', 'qwen'];

/** JS heap plus ArrayBuffer backing stores (the typed arrays live outside the heap). */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function measure(make: () => { push(e: Omit<UsageEvent, 'seq'>): void }) {
  gc!();
  gc!();
  const before = held();
  const feed = make();
  const t0 = performance.now();
  for (let n = 0; n < 300_000; n++) {
    feed.push({ at_ms: Date.now(), project: projects[n & 1]!, key: keys[n % 50]!, model: models[n & 1]!, target: 'vllm/llama', prompt_tokens: 12, completion_tokens: 6, status: 200, stream: false, duration_ms: Math.round(Math.random() * 1e6) / 1000, aborted: false, cached: false });
  }
  const us = ((performance.now() - t0) * 1000) / 300_000;
  gc!();
  gc!();
  const mib = (held() - before) / 1048576;
  return { feed, mib, us };
}

const rows: { name: string; mib: number; us: number }[] = [];
const keep: unknown[] = [];
for (let round = 0; round < 3; round++) {
  for (const [name, make] of [['object ring (reference)', () => new ObjectRing(100_000)], ['columns (shipped)', () => new UsageFeed(100_000)]] as const) {
    const r = measure(make);
    keep.push(r.feed);
    rows.push({ name, mib: r.mib, us: r.us });
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const of = (n: string, k: 'mib' | 'us') => med(rows.filter((r) => r.name === n).map((r) => r[k]));
const ref = 'object ring (reference)';
const cur = 'columns (shipped)';
console.log(JSON.stringify({
  full_ring_mib: { reference: +of(ref, 'mib').toFixed(1), shipped: +of(cur, 'mib').toFixed(1), ratio: +(of(cur, 'mib') / of(ref, 'mib')).toFixed(3) },
  push_us: { reference: +of(ref, 'us').toFixed(3), shipped: +of(cur, 'us').toFixed(3), ratio: +(of(cur, 'us') / of(ref, 'us')).toFixed(3) },
  retained: keep.length,
}, null, 2));
