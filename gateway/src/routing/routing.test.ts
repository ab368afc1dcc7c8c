import { describe, expect, it } from 'vitest';
import { Breaker } from './breaker';
import { parseVllmMetrics } from './kv-scraper';
import { RetryBudget } from './retry-budget';
import { Router, type RoutedTarget } from './router';
import { TargetState } from './target';

const targets = (n: number, weights: number[] = []): RoutedTarget[] =>
  Array.from({ length: n }, (_, i) => ({ state: new TargetState(`t${i}`, 3, 1000), weight: weights[i] ?? 1 }));

function seeded(seed: number) {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

describe('routing strategies', () => {
  it('splits traffic by weight', () => {
    const ts = targets(2, [1, 3]);
    const r = new Router(ts, { strategy: 'weighted', loadFactor: 0.25, random: seeded(1) });
    let second = 0;
    for (let i = 0; i < 4000; i++) if (r.order('')[0] === ts[1]) second++;
    expect(second / 4000).toBeGreaterThan(0.7);
    expect(second / 4000).toBeLessThan(0.8);
  });

  it('sends to the target with the fewest outstanding requests', () => {
    const ts = targets(3);
    ts[0]!.state.outstanding = 5;
    ts[1]!.state.outstanding = 1;
    ts[2]!.state.outstanding = 3;
    const r = new Router(ts, { strategy: 'least_outstanding', loadFactor: 0.25 });
    expect(r.order('').map((t) => t.state.id)).toEqual(['t1', 't2', 't0']);
  });

  it('prefers the lower peak-EWMA cost of two random choices', () => {
    const ts = targets(2);
    ts[0]!.state.observe(200, 0);
    ts[1]!.state.observe(5, 0);
    const r = new Router(ts, { strategy: 'p2c_ewma', loadFactor: 0.25, random: seeded(7) });
    for (let i = 0; i < 20; i++) expect(r.order('')[0]).toBe(ts[1]);
  });

  it('with two targets gives both in every order, the cheaper first, and an open breaker\'s last without changing later orders', () => {
    let now = 0;
    const ts = targets(2);
    const r = new Router(ts, { strategy: 'p2c_ewma', loadFactor: 0.25, random: seeded(3), now: () => now });
    const firsts = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const o = r.order('').map((t) => t.state.id);
      expect([...o].sort()).toEqual(['t0', 't1']);
      firsts.add(o[0]!);
    }
    expect(firsts).toEqual(new Set(['t0', 't1']));
    ts[0]!.state.observe(200, 0);
    for (let i = 0; i < 20; i++) expect(r.order('').map((t) => t.state.id)).toEqual(['t1', 't0']);
    for (let i = 0; i < 3; i++) ts[1]!.state.breaker.failure(now);
    for (let i = 0; i < 20; i++) expect(r.order('').map((t) => t.state.id)).toEqual(['t0', 't1']);
    now = 10_000;
    ts[1]!.state.breaker.success();
    for (let i = 0; i < 20; i++) expect(r.order('').map((t) => t.state.id)).toEqual(['t1', 't0']);
  });

  it('reacts to a latency spike at once and forgets it gradually (peak EWMA)', () => {
    const s = new TargetState('x', 3, 1000);
    s.observe(10, 0);
    s.observe(500, 1);
    expect(s.ewmaMs).toBe(500);
    s.observe(10, 5_000);
    expect(s.ewmaMs).toBeLessThan(500);
    expect(s.ewmaMs).toBeGreaterThan(10);
  });

  it('prefers the replica with the emptiest KV cache and shortest queue', () => {
    const ts = targets(3);
    ts[0]!.state.kv = { cacheUsage: 0.9, waiting: 0, at: 0 };
    ts[1]!.state.kv = { cacheUsage: 0.2, waiting: 4, at: 0 };
    ts[2]!.state.kv = { cacheUsage: 0.3, waiting: 0, at: 0 };
    const r = new Router(ts, { strategy: 'kv_cache', loadFactor: 0.25 });
    expect(r.order('')[0]!.state.id).toBe('t2');
  });

  it('keeps a prompt prefix on the same target and moves it only when that target is overloaded', () => {
    const ts = targets(4);
    const r = new Router(ts, { strategy: 'prefix_affinity', loadFactor: 0.25 });
    const home = r.order('You are a helpful assistant. Document A')[0]!;
    for (let i = 0; i < 10; i++) expect(r.order('You are a helpful assistant. Document A')[0]).toBe(home);
    const spread = new Set(Array.from({ length: 200 }, (_, i) => r.order(`prefix ${i}`)[0]!.state.id));
    expect(spread.size).toBe(4);
    home.state.outstanding = 10;
    expect(r.order('You are a helpful assistant. Document A')[0]).not.toBe(home);
  });

  it('orders targets with an open breaker last', () => {
    const ts = targets(2);
    for (let i = 0; i < 3; i++) ts[0]!.state.breaker.failure(Date.now());
    const r = new Router(ts, { strategy: 'least_outstanding', loadFactor: 0.25 });
    expect(r.order('')[0]).toBe(ts[1]);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one probe through after the cooldown, and closes on success', () => {
    const b = new Breaker(2, 100);
    b.failure(0);
    expect(b.state).toBe('closed');
    b.failure(0);
    expect(b.state).toBe('open');
    expect(b.allow(50)).toBe(false);
    expect(b.allow(100)).toBe(true);
    expect(b.state).toBe('half_open');
    expect(b.allow(101)).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
  });

  it('re-opens when the half-open probe fails', () => {
    const b = new Breaker(1, 100);
    b.failure(0);
    expect(b.allow(100)).toBe(true);
    b.failure(100);
    expect(b.state).toBe('open');
    expect(b.allow(150)).toBe(false);
  });
});

describe('retry budget', () => {
  it('allows retries as a fraction of traffic above a small floor', () => {
    const rb = new RetryBudget(0.25, 2);
    expect(rb.withdraw()).toBe(true);
    expect(rb.withdraw()).toBe(true);
    expect(rb.withdraw()).toBe(false);
    for (let i = 0; i < 4; i++) rb.deposit();
    expect(rb.withdraw()).toBe(true);
    expect(rb.withdraw()).toBe(false);
  });
});

describe('vLLM metrics parsing', () => {
  it('reads cache usage and waiting requests from a vLLM scrape', () => {
    const text = '# HELP x\nvllm:gpu_cache_usage_perc{model_name="m"} 0.42\nvllm:num_requests_waiting{model_name="m"} 3\nvllm:num_requests_running{model_name="m"} 1\n';
    expect(parseVllmMetrics(text)).toEqual({ cacheUsage: 0.42, waiting: 3 });
    expect(parseVllmMetrics('nothing here')).toBeNull();
  });
});
