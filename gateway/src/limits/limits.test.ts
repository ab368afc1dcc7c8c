import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';
import { MemoryLimitStore } from './memory-store';

let sim: Simulator;
let gw: Running;
const rpmKey = apiKey('k-rpm', 'p-free', { requests_per_minute: 3 });
const tpmKey = apiKey('k-tpm', 'p-free', { tokens_per_minute: 10 });
const budgetKey = apiKey('k-budget', 'p-free', { monthly_token_budget: 20 });
const streamBudget = apiKey('k-stream-budget', 'p-free', { monthly_token_budget: 20 });
const projKey1 = apiKey('k-proj-1', 'p-small');
const projKey2 = apiKey('k-proj-2', 'p-small');

beforeAll(async () => {
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  gw = await listenGateway({
    auth: { api_keys: [rpmKey.entry, tpmKey.entry, budgetKey.entry, streamBudget.entry, projKey1.entry, projKey2.entry] },
    projects: { 'p-small': { requests_per_minute: 2 } },
    providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
    models: { m: { targets: [{ provider: 'vllm' }] } },
  });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const chat = (key: string, extra: Record<string, unknown> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'four' }], max_tokens: 10, ...extra }) });

describe('rate limits and budgets', () => {
  it('limits requests per minute per key with x-ratelimit headers and Retry-After', async () => {
    const first = await chat(rpmKey.key);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    await chat(rpmKey.key);
    await chat(rpmKey.key);
    const limited = await chat(rpmKey.key);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('debits real tokens after the call so a token-per-minute bucket in debt blocks the next call', async () => {
    const ok = await chat(tpmKey.key);
    expect(ok.status).toBe(200);
    await ok.text();
    const blocked = await chat(tpmKey.key);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('x-ratelimit-limit-tokens')).toBe('10');
  });

  it('enforces a monthly token budget before the call and settles it after', async () => {
    expect((await chat(budgetKey.key)).status).toBe(200);
    expect((await chat(budgetKey.key)).status).toBe(200);
    const over = await chat(budgetKey.key);
    expect(over.status).toBe(429);
    expect((await over.json()).error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
  });

  it('settles budgets for streamed answers too', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await chat(streamBudget.key, { stream: true });
      expect(r.status).toBe(200);
      await r.text();
    }
    expect((await chat(streamBudget.key, { stream: true })).status).toBe(429);
  });

  it('shares a project limit across the project\'s keys', async () => {
    expect((await chat(projKey1.key)).status).toBe(200);
    expect((await chat(projKey2.key)).status).toBe(200);
    expect((await chat(projKey1.key)).status).toBe(429);
  });

  it('counts usage events for each call on the feed', () => {
    const page = gw.gateway.services.usage.read(0, 1000);
    const budget = page.events.filter((e) => e.key === 'k-budget' && e.status === 200);
    expect(budget).toHaveLength(2);
    expect(budget[0]).toMatchObject({ project: 'p-free', model: 'm', prompt_tokens: 1, completion_tokens: 10 });
  });
});

describe('memory token buckets', () => {
  it('refill over time and never admit a bucket in debt', () => {
    let now = 0;
    const s = new MemoryLimitStore(() => now);
    const r = { key: 'r', capacity: 2, perMs: 2 / 60_000, cost: 1, kind: 'requests' as const };
    const t = { key: 't', capacity: 100, perMs: 100 / 60_000, cost: 0, kind: 'tokens' as const };
    expect(s.take([r, t]).ok).toBe(true);
    s.debit([t], 150);
    const d = s.take([r, t]);
    expect(d.ok).toBe(false);
    expect(d.retryAfterMs).toBe(Math.ceil((1e-6 + 50) / (100 / 60_000)));
    now = 61_000;
    expect(s.take([r, t]).ok).toBe(true);
  });
});

describe('monthKey', () => {
  it('is the UTC month of the instant, across boundaries and when the clock goes back', async () => {
    const { monthKey } = await import('./types');
    expect(monthKey(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe('2026-01');
    expect(monthKey(Date.UTC(2026, 1, 1))).toBe('2026-02');
    expect(monthKey(Date.UTC(2026, 11, 31, 23, 59))).toBe('2026-12');
    expect(monthKey(Date.UTC(2027, 0, 1))).toBe('2027-01');
    expect(monthKey(Date.UTC(2026, 0, 15))).toBe('2026-01');
  });
});

describe('memory monthly budgets', () => {
  it('count per UTC month: a new month starts at zero and the old month keeps its total', () => {
    let now = Date.UTC(2026, 0, 31, 23, 59);
    const s = new MemoryLimitStore(() => now);
    const key = { key: 'k:a', limit: 100 };
    const project = { key: 'p:x', limit: 1_000 };
    s.budgetAdd([key, project], 40);
    s.budgetAdd([key], 5);
    expect(s.budgetUsed([key, project])).toEqual([45, 40]);
    now = Date.UTC(2026, 1, 1);
    expect(s.budgetUsed([key, project])).toEqual([0, 0]);
    s.budgetAdd([project], 7);
    expect(s.budgetUsed([project, key])).toEqual([7, 0]);
    now = Date.UTC(2026, 0, 15);
    expect(s.budgetUsed([key, project])).toEqual([45, 40]);
    s.budgetAdd([key], 0);
    s.budgetAdd([key], -3);
    expect(s.budgetUsed([key])).toEqual([45]);
  });
});
