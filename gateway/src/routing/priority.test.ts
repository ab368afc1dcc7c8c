import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';
import { parseGatewayConfig } from '../config';
import { Router, type RoutedTarget } from './router';
import { TargetState } from './target';

/** The priority strategy: a failover chain, tried strictly in listed order. */

const targets = (n: number): RoutedTarget[] => Array.from({ length: n }, (_, i) => ({ state: new TargetState(`t${i}`, 2, 1000), weight: i + 1 }));
const ids = (ts: readonly RoutedTarget[]) => ts.map((t) => t.state.id);

describe('priority routing order', () => {
  it('always gives the listed order, whatever the weights, load or latency', () => {
    const ts = targets(3);
    ts[0]!.state.outstanding = 50;
    ts[0]!.state.observe(900, 0);
    const r = new Router(ts, { strategy: 'priority', loadFactor: 0.25, random: Math.random });
    for (let i = 0; i < 200; i++) expect(ids(r.order('any prefix'))).toEqual(['t0', 't1', 't2']);
  });

  it('puts a target whose breaker is open behind the others until its cooldown ends, then back in its place for the probe', () => {
    let now = 0;
    const ts = targets(3);
    const r = new Router(ts, { strategy: 'priority', loadFactor: 0.25, now: () => now });
    ts[0]!.state.breaker.failure(now);
    ts[0]!.state.breaker.failure(now);
    expect(ts[0]!.state.breaker.state).toBe('open');
    expect(ids(r.order(''))).toEqual(['t1', 't2', 't0']);
    ts[1]!.state.breaker.failure(now);
    ts[1]!.state.breaker.failure(now);
    expect(ids(r.order(''))).toEqual(['t2', 't0', 't1']);
    now = 1000;
    expect(ids(r.order(''))).toEqual(['t0', 't1', 't2']);
    // The first request takes the half-open probe; while it is out, the others go on to the next target.
    expect(ts[0]!.state.breaker.allow(now)).toBe(true);
    expect(ids(r.order(''))).toEqual(['t1', 't2', 't0']);
    ts[0]!.state.breaker.success();
    expect(ids(r.order(''))[0]).toBe('t0');
  });

  it('is a config strategy, documented by the schema error for an unknown one', () => {
    const base = '[providers.a]\nkind = "openai_compatible"\nbase_url = "http://a:8000/v1"\n[models.m]\nstrategy = "STRATEGY"\n[[models.m.targets]]\nprovider = "a"\n';
    expect(parseGatewayConfig(base.replace('STRATEGY', 'priority')).ok).toBe(true);
    const bad = parseGatewayConfig(base.replace('STRATEGY', 'ordered'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^models\.m\.strategy: .*"priority"/);
  });
});

describe('priority routing through a real gateway', () => {
  const sims: Simulator[] = [];
  let gw: Running | undefined;
  afterEach(async () => {
    await gw?.close();
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('serves from the first target while it is up, fails over in order, skips an open breaker and returns to the first after a successful probe', async () => {
    for (let i = 0; i < 3; i++) sims.push(await startSimulator({ model: 'm', zeroDelay: true }));
    const [a, b] = sims as [Simulator, Simulator, Simulator];
    const key = apiKey('k1', 'p1');
    const cooldown = 400;
    gw = await listenGateway({
      auth: { api_keys: [key.entry] },
      providers: Object.fromEntries(sims.map((s, i) => [`s${i}`, { kind: 'openai_compatible' as const, base_url: `${s.url}/v1` }])),
      models: {
        m: {
          strategy: 'priority',
          attempt_timeout_ms: 5000,
          total_timeout_ms: 15_000,
          retry_budget_ratio: 1,
          breaker: { failure_threshold: 2, cooldown_ms: cooldown },
          // Weights would send most traffic to the last target under "weighted"; priority ignores them.
          targets: [{ provider: 's0', weight: 1 }, { provider: 's1', weight: 10 }, { provider: 's2', weight: 100 }],
        },
      },
    });
    const chat = async () => {
      const res = await fetch(`${gw!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });
      await res.arrayBuffer();
      return res.status;
    };
    const received = () => sims.map((s) => s.stats.received);

    for (let i = 0; i < 30; i++) expect(await chat()).toBe(200);
    expect(received()).toEqual([30, 0, 0]);

    a.setFault({ kind: 'error500' });
    for (let i = 0; i < 10; i++) expect(await chat()).toBe(200);
    // Two failures open s0's breaker; after that s0 is not called at all and s1 (not s2) answers.
    expect(received()).toEqual([32, 10, 0]);
    const breaker = (i: number) => gw!.gateway.runtime().models.get('m')!.targets[i]!.state.breaker;
    expect(breaker(0).state).toBe('open');

    b.setFault({ kind: 'error500' });
    for (let i = 0; i < 10; i++) expect(await chat()).toBe(200);
    expect(received()).toEqual([32, 12, 10]);
    expect(breaker(1).state).toBe('open');

    // s0 recovers; once the cooldown is over the next request probes it, and it takes the traffic back.
    a.setFault(null);
    await new Promise((r) => setTimeout(r, cooldown + 50));
    expect(await chat()).toBe(200);
    expect(breaker(0).state).toBe('closed');
    for (let i = 0; i < 9; i++) expect(await chat()).toBe(200);
    const [a2, b2, c2] = received();
    expect(a2).toBe(42);
    // s1 is still failing: its half-open probe came after s0 was back first, so it was never needed.
    expect(b2).toBe(12);
    expect(c2).toBe(10);
  });
});
