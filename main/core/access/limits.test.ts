import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { renderGatewayConfig } from '../gateway/render';
import { desiredGatewayConfig } from '../gateway/sync-objects';
import { useAdminCore } from '../testing/harness';

/** Project, API key and endpoint limits: what the channels accept, what they store, what they audit, what the gateway gets. */
const app = useAdminCore();

const raw = (name: string, input: unknown, token = app.token) => app.core.dispatcher.call(name, input, { token, transport: 'test' });
const rendered = () => {
  const parsed = parseGatewayConfig(renderGatewayConfig(app.services.db).toml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.value;
};
const auditOf = async (action: string) => (await app.core.call('audit:list', { action }, app.token))[0]!;

async function developer(projectIds: string[]): Promise<string> {
  const dev = await app.core.call('users:create', { username: 'dev', password: 'dev password 12', role: 'developer' }, app.token);
  for (const projectId of projectIds) await app.core.call('projects:addMember', { projectId, userId: dev.id }, app.token);
  return (await app.core.call('auth:signIn', { username: 'dev', password: 'dev password 12' })).token;
}

describe('project limits', () => {
  it('are set, shown, rendered and cleared; the audit record has the values before and after', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    expect(p).toMatchObject({ requestsPerMinute: null, tokensPerMinute: null, monthlyTokenBudget: null, logBodies: false });
    expect(rendered().projects.fraud).toEqual({ log_bodies: false });

    const set = await app.core.call('projects:setLimits', { projectId: p.id, requestsPerMinute: 600, tokensPerMinute: 200_000, monthlyTokenBudget: 50_000_000, logBodies: true }, app.token);
    expect(set).toMatchObject({ requestsPerMinute: 600, tokensPerMinute: 200_000, monthlyTokenBudget: 50_000_000, logBodies: true });
    expect((await app.core.call('projects:list', {}, app.token))[0]).toMatchObject({ requestsPerMinute: 600, logBodies: true });
    expect(rendered().projects.fraud).toEqual({ requests_per_minute: 600, tokens_per_minute: 200_000, monthly_token_budget: 50_000_000, log_bodies: true });
    expect((await auditOf('projects:setLimits')).details).toMatchObject({
      name: 'fraud',
      before: { requestsPerMinute: null, tokensPerMinute: null, monthlyTokenBudget: null, logBodies: false },
      after: { requestsPerMinute: 600, tokensPerMinute: 200_000, monthlyTokenBudget: 50_000_000, logBodies: true },
    });

    // Absent keeps, null clears.
    await app.core.call('projects:setLimits', { projectId: p.id, tokensPerMinute: null, logBodies: false }, app.token);
    expect(rendered().projects.fraud).toEqual({ requests_per_minute: 600, monthly_token_budget: 50_000_000, log_bodies: false });
    expect((await auditOf('projects:setLimits')).details).toMatchObject({ before: { tokensPerMinute: 200_000, logBodies: true }, after: { requestsPerMinute: 600, tokensPerMinute: null, logBodies: false } });
  });

  it('refuses zero, negative, fractional, huge, non-numeric and empty input by field, and changes nothing', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    await app.core.call('projects:setLimits', { projectId: p.id, requestsPerMinute: 100 }, app.token);
    const before = renderGatewayConfig(app.services.db).toml;
    const cases: [unknown, string][] = [
      [{ requestsPerMinute: 0 }, 'requestsPerMinute: must be at least 1 requests per minute; use null (no limit) to remove the limit'],
      [{ tokensPerMinute: -5 }, 'tokensPerMinute: must be at least 1 tokens per minute'],
      [{ requestsPerMinute: 2.5 }, 'requestsPerMinute: must be a whole number of requests per minute'],
      [{ monthlyTokenBudget: 1e18 }, 'monthlyTokenBudget: must be at most 1,000,000,000,000,000 tokens a month'],
      [{ requestsPerMinute: 1e9 }, 'requestsPerMinute: must be at most 100,000,000 requests per minute'],
      [{ tokensPerMinute: '100' }, 'tokensPerMinute: must be a whole number of tokens per minute, or null for no limit'],
      [{ logBodies: 'yes' }, 'logBodies: must be true or false'],
      [{}, 'name at least one of requestsPerMinute, tokensPerMinute, monthlyTokenBudget, logBodies'],
    ];
    for (const [patch, message] of cases) {
      const r = await raw('projects:setLimits', { projectId: p.id, ...(patch as object) });
      expect(r, JSON.stringify(patch)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(message) } });
    }
    expect(renderGatewayConfig(app.services.db).toml).toBe(before);
    expect(await app.core.call('audit:list', { action: 'projects:setLimits' }, app.token)).toHaveLength(1);
  });

  it('need project:manage: a developer member may not change them, and an unknown project is not found', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const dev = await developer([p.id]);
    expect(await raw('projects:setLimits', { projectId: p.id, requestsPerMinute: 1 }, dev)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await raw('projects:setLimits', { projectId: 'prj_nope', requestsPerMinute: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(rendered().projects.fraud).toEqual({ log_bodies: false });
  });

  it('change the config every synced cluster is compared with, so the audited change resyncs them', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const key = await app.core.call('apikeys:create', { projectId: p.id, name: 'ci' }, app.token);
    const hashes = [desiredGatewayConfig(app.services.db).configHash];
    await app.core.call('projects:setLimits', { projectId: p.id, requestsPerMinute: 10 }, app.token);
    hashes.push(desiredGatewayConfig(app.services.db).configHash);
    await app.core.call('projects:setLimits', { projectId: p.id, logBodies: true }, app.token);
    hashes.push(desiredGatewayConfig(app.services.db).configHash);
    await app.core.call('apikeys:update', { keyId: key.key.id, tokensPerMinute: 1000 }, app.token);
    hashes.push(desiredGatewayConfig(app.services.db).configHash);
    expect(new Set(hashes).size).toBe(4);
  });
});

describe('API key limits', () => {
  it('are set at creation, changed in place without reissuing the key, and audited before and after', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const { key, secret } = await app.core.call('apikeys:create', { projectId: p.id, name: 'ci', requestsPerMinute: 60, tokensPerMinute: 5000 }, app.token);
    expect(key).toMatchObject({ requestsPerMinute: 60, tokensPerMinute: 5000, monthlyTokenBudget: null });
    const entry = () => rendered().auth.api_keys.find((k) => k.id === key.id)!;
    expect(entry()).toMatchObject({ requests_per_minute: 60, tokens_per_minute: 5000 });
    expect(entry()).not.toHaveProperty('monthly_token_budget');

    const updated = await app.core.call('apikeys:update', { keyId: key.id, monthlyTokenBudget: 1_000_000, requestsPerMinute: null }, app.token);
    expect(updated).toMatchObject({ requestsPerMinute: null, tokensPerMinute: 5000, monthlyTokenBudget: 1_000_000, prefix: key.prefix });
    expect(entry()).toMatchObject({ tokens_per_minute: 5000, monthly_token_budget: 1_000_000 });
    expect(entry()).not.toHaveProperty('requests_per_minute');
    expect(app.services.apiKeys.verify(secret).id).toBe(key.id);
    expect((await auditOf('apikeys:update')).details).toMatchObject({
      name: 'ci',
      before: { requestsPerMinute: 60, tokensPerMinute: 5000, monthlyTokenBudget: null },
      after: { requestsPerMinute: null, tokensPerMinute: 5000, monthlyTokenBudget: 1_000_000 },
    });
    expect(JSON.stringify(await app.core.call('audit:list', {}, app.token))).not.toContain(secret);
  });

  it('refuses bad rates at creation and on update, and a revoked key; nothing changes', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    expect(await raw('apikeys:create', { projectId: p.id, name: 'ci', tokensPerMinute: 0 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('tokensPerMinute: must be at least 1') } });
    expect(await app.core.call('apikeys:list', { projectId: p.id }, app.token)).toEqual([]);
    const { key } = await app.core.call('apikeys:create', { projectId: p.id, name: 'ci', requestsPerMinute: 60 }, app.token);
    expect(await raw('apikeys:update', { keyId: key.id, requestsPerMinute: 0.5 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('requestsPerMinute: must be a whole number') } });
    expect(await raw('apikeys:update', { keyId: key.id })).toMatchObject({ ok: false, error: { message: expect.stringContaining('name at least one of monthlyTokenBudget') } });
    await app.core.call('apikeys:revoke', { keyId: key.id }, app.token);
    expect(await raw('apikeys:update', { keyId: key.id, requestsPerMinute: 5 })).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION', message: expect.stringContaining('was revoked') } });
    expect(app.services.apiKeys.get(key.id).requestsPerMinute).toBe(60);
    expect(await app.core.call('audit:list', { action: 'apikeys:update' }, app.token)).toEqual([]);
  });

  it('a developer may change the keys of their own projects only', async () => {
    const mine = await app.core.call('projects:create', { name: 'mine' }, app.token);
    const theirs = await app.core.call('projects:create', { name: 'theirs' }, app.token);
    const a = await app.core.call('apikeys:create', { projectId: mine.id, name: 'a' }, app.token);
    const b = await app.core.call('apikeys:create', { projectId: theirs.id, name: 'b' }, app.token);
    const dev = await developer([mine.id]);
    expect(await raw('apikeys:update', { keyId: a.key.id, requestsPerMinute: 30 }, dev)).toMatchObject({ ok: true, value: { requestsPerMinute: 30 } });
    expect(await raw('apikeys:update', { keyId: b.key.id, requestsPerMinute: 30 }, dev)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(app.services.apiKeys.get(b.key.id).requestsPerMinute).toBeNull();
  });
});

describe('endpoint limits', () => {
  it('are set at creation, changed and cleared on update, render on the model, and the audit record names both', async () => {
    const e = await app.core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: 'http://vllm.models:8000/v1', requestsPerMinute: 1200 }, app.token);
    expect(e).toMatchObject({ requestsPerMinute: 1200, tokensPerMinute: null });
    expect(rendered().models.llama).toMatchObject({ requests_per_minute: 1200 });
    expect(rendered().models.llama).not.toHaveProperty('tokens_per_minute');

    await app.core.call('endpoints:update', { endpointId: e.id, tokensPerMinute: 400_000 }, app.token);
    expect(rendered().models.llama).toMatchObject({ requests_per_minute: 1200, tokens_per_minute: 400_000 });
    await app.core.call('endpoints:update', { endpointId: e.id, requestsPerMinute: null }, app.token);
    expect(rendered().models.llama).not.toHaveProperty('requests_per_minute');
    expect((await auditOf('endpoints:update')).details).toMatchObject({ limitsBefore: { requestsPerMinute: 1200, tokensPerMinute: 400_000 }, requestsPerMinute: null, tokensPerMinute: 400_000 });

    const bad = await raw('endpoints:update', { endpointId: e.id, tokensPerMinute: 0, upstreamModel: 'other' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('tokensPerMinute: must be at least 1 tokens per minute') } });
    expect(await raw('endpoints:create', { name: 'x', kind: 'openai_compatible', baseUrl: 'http://x:8000/v1', requestsPerMinute: -1 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('requestsPerMinute: must be at least 1') } });
    expect((await app.core.call('endpoints:list', {}, app.token)).map((x) => [x.name, x.upstreamModel, x.tokensPerMinute])).toEqual([['llama', 'llama', 400_000]]);
  });
});
