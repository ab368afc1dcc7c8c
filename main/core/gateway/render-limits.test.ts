import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, logSink, type Running } from '../../../gateway/test-support/harness';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { useAdminCore } from '../testing/harness';
import { renderGatewayConfig } from './render';

/**
 * Limits set on the desktop, enforced by a real gateway: the config the desktop renders (TOML,
 * parsed the way a pod loads it) runs in a gateway on 127.0.0.1 in front of the vLLM simulator.
 * Each project and key below has its own limit, so one can run out without touching the others.
 */
const app = useAdminCore({ per: 'file' });
let sim: Simulator;
let gw: Running;
const log = logSink();
const keys: Record<string, string> = {};
const MARK = 'limits-e2e-marker-7c1f';

beforeAll(async () => {
  sim = await startSimulator({ model: 'llama', zeroDelay: true });
  const project = async (name: string, limits: Record<string, unknown> = {}) => {
    const p = await app.core.call('projects:create', { name }, app.token);
    if (Object.keys(limits).length) await app.core.call('projects:setLimits', { projectId: p.id, ...limits }, app.token);
    return p;
  };
  const rpm = await project('rpm', { requestsPerMinute: 2 });
  const tpm = await project('tpm');
  const budget = await project('budget', { monthlyTokenBudget: 10 });
  const logged = await project('logged', { logBodies: true });
  const open = await project('open');
  await app.core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: `${sim.url}/v1` }, app.token);
  await app.core.call('endpoints:create', { name: 'shared', kind: 'openai_compatible', baseUrl: `${sim.url}/v1`, upstreamModel: 'llama', requestsPerMinute: 3 }, app.token);
  const key = async (name: string, projectId: string, extra: Record<string, unknown> = {}) => {
    keys[name] = (await app.core.call('apikeys:create', { projectId, name, ...extra }, app.token)).secret;
  };
  await key('rpm', rpm.id);
  await key('tpm', tpm.id, { tokensPerMinute: 5 });
  await key('tpm-neighbour', tpm.id);
  await key('budget', budget.id);
  await key('logged', logged.id);
  await key('open-a', open.id);
  await key('elsewhere', logged.id);

  const parsed = parseGatewayConfig(renderGatewayConfig(app.services.db).toml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  // The parsed config carries the server defaults (0.0.0.0:8080); a test listens on a free loopback port.
  gw = await listenGateway({ ...parsed.value, server: { ...parsed.value.server, host: '127.0.0.1', port: 0 } }, undefined, { accessLog: log.stream });
});
afterAll(async () => {
  await gw?.close();
  await sim?.close();
});

const chat = (key: string, model = 'llama', content = 'hello there') =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: 16 }),
  });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe.sequential('desktop limits in a real gateway', () => {
  it("a project's requests per minute: the third request in a minute is a 429 with Retry-After and x-ratelimit headers", async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await chat(keys.rpm!);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('2');
      expect(ok.headers.get('x-ratelimit-remaining-requests')).toBe(String(1 - i));
    }
    const refused = await chat(keys.rpm!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
    expect(await code(refused)).toBe('rate_limit_exceeded');
  });

  it("a key's tokens per minute: once an answer spends them the key waits, and another key of the same project does not", async () => {
    const first = await chat(keys.tpm!);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('5');
    const used = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    expect(used).toBeGreaterThan(5);
    const refused = await chat(keys.tpm!);
    expect(refused.status).toBe(429);
    expect(await code(refused)).toBe('rate_limit_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await chat(keys['tpm-neighbour']!)).status).toBe(200);
  });

  it("a project's monthly token budget: spent by one answer, the next request is refused with insufficient_quota", async () => {
    const first = await chat(keys.budget!);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens).toBeGreaterThanOrEqual(10);
    const refused = await chat(keys.budget!);
    expect(refused.status).toBe(429);
    expect(await code(refused)).toBe('insufficient_quota');
  });

  it("an endpoint's requests per minute are shared by every caller, whatever their project", async () => {
    const callers = [keys['open-a']!, keys.elsewhere!, keys['open-a']!];
    for (const k of callers) expect((await chat(k, 'shared')).status).toBe(200);
    for (const k of [keys.elsewhere!, keys['open-a']!]) {
      const refused = await chat(k, 'shared');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('3');
    }
    // The same callers are still served on a model without that limit.
    expect((await chat(keys['open-a']!)).status).toBe(200);
  });

  it('log_bodies puts the bodies of that project alone in the access log, with secrets redacted', async () => {
    const before = log.lines.length;
    expect((await chat(keys.logged!, 'llama', `${MARK} my key is ${keys.logged}`)).status).toBe(200);
    expect((await chat(keys['open-a']!, 'llama', `${MARK} my key is ${keys['open-a']}`)).status).toBe(200);
    const lines = log.lines.slice(before);
    const logged = lines.find((l) => l.project === 'logged')!;
    const open = lines.find((l) => l.project === 'open')!;
    expect(logged.request_body).toContain(MARK);
    expect(logged.request_body).toContain('[API_KEY]');
    expect(logged.response_body).toContain('chat.completion');
    expect(open).toBeDefined();
    expect(open).not.toHaveProperty('request_body');
    expect(open).not.toHaveProperty('response_body');
    expect(log.raw()).not.toContain(MARK + ' my key is fdy_');
    for (const k of Object.values(keys)) expect(log.raw()).not.toContain(k);
  });
});
