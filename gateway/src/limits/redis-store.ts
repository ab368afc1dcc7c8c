/**
 * Limits shared by every replica through Redis. Each decision is one Lua script, so check-and-take
 * across all of a request's buckets is atomic; the clock is Redis' TIME so replicas with skewed
 * clocks still agree. Budgets are plain INCRBY counters per month.
 */
import { Redis } from 'ioredis';
import { MIN_LEVEL, monthKey, type Bucket, type BudgetScope, type Decision, type LimitStore } from './types';

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local levels = {}
local retry = 0
for i = 1, n do
  local cap = tonumber(ARGV[(i-1)*3+1]); local rate = tonumber(ARGV[(i-1)*3+2]); local cost = tonumber(ARGV[(i-1)*3+3])
  local v = redis.call('HMGET', KEYS[i], 'l', 't')
  local level = tonumber(v[1]) or cap
  local at = tonumber(v[2]) or now
  level = math.min(cap, level + (now - at) * rate)
  levels[i] = level
  local need = cost
  if need <= 0 then need = ${MIN_LEVEL} end
  if level < need then
    local w = math.ceil((need - level) / rate)
    if w > retry then retry = w end
  end
end
local out = {}
for i = 1, n do
  local cap = tonumber(ARGV[(i-1)*3+1]); local rate = tonumber(ARGV[(i-1)*3+2]); local cost = tonumber(ARGV[(i-1)*3+3])
  local level = levels[i]
  if retry == 0 then level = level - cost end
  redis.call('HSET', KEYS[i], 'l', tostring(level), 't', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate) * 2 + 1000)
  out[i] = tostring(level)
end
return {retry, out}
`;

const DEBIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local amount = tonumber(ARGV[1])
for i = 1, #KEYS do
  local cap = tonumber(ARGV[(i-1)*2+2]); local rate = tonumber(ARGV[(i-1)*2+3])
  local v = redis.call('HMGET', KEYS[i], 'l', 't')
  local level = tonumber(v[1]) or cap
  local at = tonumber(v[2]) or now
  level = math.max(-cap, math.min(cap, level + (now - at) * rate) - amount)
  redis.call('HSET', KEYS[i], 'l', tostring(level), 't', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate) * 2 + 1000)
end
return 1
`;

type Scripted = Redis & {
  fdyTake(...args: (string | number)[]): Promise<[number, string[]]>;
  fdyDebit(...args: (string | number)[]): Promise<number>;
};

export class RedisLimitStore implements LimitStore {
  private readonly redis: Scripted;

  constructor(url: string, private readonly prefix: string) {
    const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableAutoPipelining: true });
    redis.defineCommand('fdyTake', { lua: TAKE });
    redis.defineCommand('fdyDebit', { lua: DEBIT });
    this.redis = redis as Scripted;
  }

  async take(buckets: readonly Bucket[]): Promise<Decision> {
    const args: (string | number)[] = [buckets.length];
    for (const b of buckets) args.push(`${this.prefix}:rl:${b.key}`);
    for (const b of buckets) args.push(b.capacity, b.perMs, b.cost);
    const [retry, levels] = await this.redis.fdyTake(...args);
    return { ok: retry === 0, retryAfterMs: retry, levels: levels.map(Number) };
  }

  async debit(buckets: readonly Bucket[], amount: number): Promise<void> {
    if (amount <= 0 || buckets.length === 0) return;
    const args: (string | number)[] = [buckets.length];
    for (const b of buckets) args.push(`${this.prefix}:rl:${b.key}`);
    args.push(amount);
    for (const b of buckets) args.push(b.capacity, b.perMs);
    await this.redis.fdyDebit(...args);
  }

  async budgetUsed(scopes: readonly BudgetScope[]): Promise<number[]> {
    if (scopes.length === 0) return [];
    const month = monthKey(Date.now());
    const values = await this.redis.mget(scopes.map((s) => `${this.prefix}:budget:${s.key}:${month}`));
    return values.map((v) => Number(v ?? 0));
  }

  async budgetAdd(scopes: readonly BudgetScope[], amount: number): Promise<void> {
    if (amount <= 0 || scopes.length === 0) return;
    const month = monthKey(Date.now());
    const multi = this.redis.multi();
    for (const s of scopes) {
      const k = `${this.prefix}:budget:${s.key}:${month}`;
      multi.incrby(k, amount);
      multi.expire(k, 40 * 86_400);
    }
    await multi.exec();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
