import { describe, expect, it } from 'vitest';
import { checkRedisUrl, REDIS_URL_MAX } from './limits-store-url';

/** The Redis URL of a cluster's limits store: what is accepted, and refusals that never repeat the password. */
const PASSWORD = 's3cret-pa55word';
const refusal = (raw: string) => {
  try {
    checkRedisUrl(raw);
  } catch (err) {
    return err as { code: string; message: string; hint?: string };
  }
  throw new Error(`accepted ${raw}`);
};

describe('checkRedisUrl', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'redis://redis.foundry-system.svc',
    `redis://:${PASSWORD}@redis:6379/0`,
    `rediss://default:${PASSWORD}@redis.example.com:6380/3`,
    'redis://[::1]:6379',
    `redis://user:p%40ss%3Aw%2Frd@host:6379`,
  ])('accepts %s', (url) => {
    expect(checkRedisUrl(`  ${url}\n`)).toBe(url);
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    [`http://u:${PASSWORD}@host:6379`, /uses the http scheme; the gateway's limits store speaks only Redis/],
    [`redis:/${PASSWORD}@`, /names no host|not a URL/],
    [`redis://u:${PASSWORD}@`, /names no host|not a URL/],
    [`redis://u:${PASSWORD}@host:99999`, /not a URL/],
    [`redis://u:${PASSWORD}@host:6379/zero`, /path must be a database number/],
    [`redis://u:${PASSWORD}@host:6379/0?tls=true`, /query .* or fragment/],
    [`redis://u:${PASSWORD}@host:6379#x`, /query .* or fragment/],
    [`redis://u:${PASSWORD} x@host:6379`, /spaces or control characters/],
    [`redis://u:${PASSWORD}@host:6379/${'0'.repeat(REDIS_URL_MAX)}`, /at most 2048/],
    [PASSWORD, /not a URL/],
  ])('refuses %j, saying why without repeating it', (raw, why) => {
    const e = refusal(raw);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(why);
    expect(e.hint).toMatch(/redis:\/\/|clear the store/);
    expect(`${e.message} ${e.hint}`).not.toContain(PASSWORD);
  });
});
