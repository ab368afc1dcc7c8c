import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keychainTestsAvailable, useAdminCore } from '../testing/harness';
import { startSimulator } from '../../../e2e/fixtures/vllm-sim';
import { ENDPOINT_KEY_KIND } from './service';

/** The registry against a real core: real SQLite file, real vault on the OS keychain, the channel table. */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });

const KEY = `sk-test-${'Q'.repeat(8)}-${Math.random().toString(36).slice(2)}`;
const vllm = { name: 'llama-70b-private', kind: 'openai_compatible' as const, baseUrl: 'http://vllm.models.svc:8000/v1', upstreamModel: 'meta-llama/Llama-3.1-70B-Instruct', apiKey: KEY };

const issuesOf = async (p: Promise<unknown>) => {
  const err = (await p.catch((e: unknown) => e)) as { code: string; details?: { path: string[]; message: string }[]; message: string; hint?: string };
  return err;
};

describe.skipIf(!available)('endpoint registry', () => {
  it('registers an endpoint with its key sealed in the vault; the key is never returned or audited', async () => {
    const e = await app.core.call('endpoints:create', vllm, app.token);
    expect(e).toMatchObject({ name: 'llama-70b-private', kind: 'openai_compatible', baseUrl: 'http://vllm.models.svc:8000/v1', keySet: true, projects: null, fallback: null, lastTest: null });
    expect(JSON.stringify(e)).not.toContain(KEY);
    expect(JSON.stringify(await app.core.call('endpoints:list', {}, app.token))).not.toContain(KEY);
    const [secret] = app.services.vault.list(ENDPOINT_KEY_KIND);
    expect(secret).toMatchObject({ name: e.id });
    expect((await app.services.vault.get(secret!.id)).toString()).toBe(KEY);
    const audit = await app.core.call('audit:list', {}, app.token);
    const created = audit.find((a) => a.action === 'endpoints:create')!;
    expect(created.details).toMatchObject({ name: e.name, keySet: true, projects: 'all' });
    expect(JSON.stringify(audit)).not.toContain(KEY);
  });

  it('never writes the key in clear to the database file or its WAL', async () => {
    await app.core.call('endpoints:create', vllm, app.token);
    await app.core.call('endpoints:update', { endpointId: (await app.core.call('endpoints:list', {}, app.token))[0]!.id, apiKey: `${KEY}-rotated` }, app.token);
    const needles = [KEY, Buffer.from(KEY).toString('base64').slice(0, 20), Buffer.from(KEY, 'utf16le').toString('latin1')];
    const files = readdirSync(app.core.home).map((f) => join(app.core.home, f)).filter((f) => existsSync(f) && !f.endsWith('.json'));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1');
      for (const needle of needles) expect(bytes.includes(needle), `${needle} found in ${file}`).toBe(false);
    }
  });

  it('fills the defaults of each kind and normalises the base URL', async () => {
    const openai = await app.core.call('endpoints:create', { name: 'gpt-4o', kind: 'openai', apiKey: 'sk-abc' }, app.token);
    expect(openai).toMatchObject({ baseUrl: 'https://api.openai.com/v1', upstreamModel: 'gpt-4o', apiVersion: null });
    const claude = await app.core.call('endpoints:create', { name: 'claude', kind: 'anthropic', upstreamModel: 'claude-sonnet-4-5', apiKey: 'sk-ant-x' }, app.token);
    expect(claude).toMatchObject({ baseUrl: 'https://api.anthropic.com/v1', apiVersion: '2023-06-01' });
    const azure = await app.core.call('endpoints:create', { name: 'gpt-4o-eu', kind: 'azure', baseUrl: 'https://contoso-eu.openai.azure.com/', upstreamModel: 'gpt4o-prod', apiVersion: '2024-10-21', apiKey: 'abc123' }, app.token);
    expect(azure).toMatchObject({ baseUrl: 'https://contoso-eu.openai.azure.com', upstreamModel: 'gpt4o-prod', apiVersion: '2024-10-21' });
    // A bare host is the server's /v1 root; no key is fine for a private server.
    const bare = await app.core.call('endpoints:create', { name: 'qwen', kind: 'openai_compatible', baseUrl: 'http://10.0.0.5:8000/' }, app.token);
    expect(bare).toMatchObject({ baseUrl: 'http://10.0.0.5:8000/v1', keySet: false });
  });

  it.each([
    ['credentials in the URL', { baseUrl: 'http://user:pw@vllm:8000/v1' }, 'baseUrl', 'must not carry a user name or password'],
    ['a query in the URL', { baseUrl: 'http://vllm:8000/v1?key=abc' }, 'baseUrl', 'must not have a query'],
    ['a path to a route, not the root', { baseUrl: 'http://vllm:8000/v1/chat/completions' }, 'baseUrl', 'give the API root instead, e.g. http://vllm:8000/v1'],
    ['a non-http scheme', { baseUrl: 'ftp://vllm/v1' }, 'baseUrl', 'must use http or https'],
    ['not a URL', { baseUrl: 'vllm:8000' }, 'baseUrl', 'must use http or https'],
    ['an api-version for a kind that has none', { apiVersion: '2024-10-21' }, 'apiVersion', 'applies only to Azure OpenAI'],
    ['an upstream model with spaces', { upstreamModel: 'llama 70b' }, 'upstreamModel', 'without spaces'],
  ])('refuses %s, naming the field', async (_what, patch, field, message) => {
    const err = await issuesOf(app.core.call('endpoints:create', { ...vllm, ...patch }, app.token));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual(expect.arrayContaining([{ path: [field], message: expect.stringContaining(message) }]));
    expect(err.hint).toBe('Fix the fields named above; nothing was saved.');
    expect(await app.core.call('endpoints:list', {}, app.token)).toEqual([]);
    expect(app.services.vault.list(ENDPOINT_KEY_KIND)).toEqual([]);
  });

  it('explains what the cloud kinds need', async () => {
    const http = await issuesOf(app.core.call('endpoints:create', { name: 'gpt', kind: 'openai', baseUrl: 'http://proxy.corp:8080/v1', apiKey: 'sk-1' }, app.token));
    expect(http.details).toEqual([{ path: ['baseUrl'], message: expect.stringContaining('must use https: OpenAI would receive the API key over plain http') }]);
    const noKey = await issuesOf(app.core.call('endpoints:create', { name: 'claude', kind: 'anthropic', upstreamModel: 'claude-3-5-haiku-latest' }, app.token));
    expect(noKey.details).toEqual([{ path: ['apiKey'], message: 'is required for Anthropic' }]);
    const deployment = await issuesOf(app.core.call('endpoints:create', { name: 'az', kind: 'azure', baseUrl: 'https://contoso.openai.azure.com/openai/deployments/gpt4o/chat/completions', upstreamModel: 'x', apiVersion: '2024-10-21', apiKey: 'k' }, app.token));
    expect(deployment.details![0]!.message).toContain('is a deployment URL; give the resource URL https://contoso.openai.azure.com and put "gpt4o" in the deployment field');
    const azure = await issuesOf(app.core.call('endpoints:create', { name: 'az', kind: 'azure', baseUrl: 'https://contoso.openai.azure.com', upstreamModel: 'gpt 4o', apiKey: 'k' }, app.token));
    expect(azure.details).toEqual([
      { path: ['upstreamModel'], message: expect.stringContaining('Azure deployment name') },
      { path: ['apiVersion'], message: 'is required for Azure OpenAI, e.g. "2024-10-21"' },
    ]);
  });

  it('refuses a key that could break a header, without echoing it', async () => {
    const err = await issuesOf(app.core.call('endpoints:create', { ...vllm, apiKey: 'sk-abc\r\nX-Injected: 1' }, app.token));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('apiKey: may contain only printable ASCII characters without spaces');
    expect(JSON.stringify(err)).not.toContain('X-Injected');
    // A copied trailing newline is only trimmed.
    const e = await app.core.call('endpoints:create', { ...vllm, apiKey: `${KEY}\n` }, app.token);
    expect((await app.services.vault.getByName(ENDPOINT_KEY_KIND, e.id)).toString()).toBe(KEY);
  });

  it('refuses a name another endpoint has, whatever the case', async () => {
    await app.core.call('endpoints:create', vllm, app.token);
    const err = await issuesOf(app.core.call('endpoints:create', { ...vllm, name: 'LLAMA-70B-private' }, app.token));
    expect(err).toMatchObject({ code: 'INVALID_INPUT', details: [{ path: ['name'], message: 'is taken by another endpoint ("llama-70b-private"; names are case-insensitive)' }] });
    expect(app.services.vault.list(ENDPOINT_KEY_KIND)).toHaveLength(1);
    const other = await app.core.call('endpoints:create', { ...vllm, name: 'other' }, app.token);
    await expect(app.core.call('endpoints:update', { endpointId: other.id, name: 'Llama-70B-Private' }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is taken') });
  });

  it('replaces a key only when one is given; changing the connection forgets the last test', async () => {
    const e = await app.core.call('endpoints:create', vllm, app.token);
    app.services.db.prepare('UPDATE endpoints SET last_test = ? WHERE id = ?').run(JSON.stringify({ ok: true }), e.id);
    const renamed = await app.core.call('endpoints:update', { endpointId: e.id, name: 'llama-70b' }, app.token);
    expect(renamed).toMatchObject({ name: 'llama-70b', keySet: true, lastTest: { ok: true } });
    expect((await app.services.vault.getByName(ENDPOINT_KEY_KIND, e.id)).toString()).toBe(KEY);
    const rev = () => app.services.db.prepare<[string], { key_revision: number }>('SELECT key_revision FROM endpoints WHERE id = ?').get(e.id)!.key_revision;
    expect(rev()).toBe(1);

    const rotated = await app.core.call('endpoints:update', { endpointId: e.id, apiKey: 'sk-new-key' }, app.token);
    expect(rotated.lastTest).toBeNull();
    expect(rev()).toBe(2);
    expect((await app.services.vault.getByName(ENDPOINT_KEY_KIND, e.id)).toString()).toBe('sk-new-key');
    const audit = (await app.core.call('audit:list', {}, app.token)).find((a) => a.action === 'endpoints:update' && a.details.keyReplaced)!;
    expect(JSON.stringify(audit)).not.toContain('sk-new-key');

    const cleared = await app.core.call('endpoints:update', { endpointId: e.id, clearApiKey: true }, app.token);
    expect(cleared.keySet).toBe(false);
    expect(app.services.vault.list(ENDPOINT_KEY_KIND)).toEqual([]);
    const cloud = await app.core.call('endpoints:create', { name: 'gpt-4o', kind: 'openai', apiKey: 'sk-1' }, app.token);
    await expect(app.core.call('endpoints:update', { endpointId: cloud.id, clearApiKey: true }, app.token)).rejects.toMatchObject({ message: expect.stringContaining('apiKey: is required for OpenAI') });
  });

  it('checks fallbacks: no loops, no self, and a fallback serves every project its endpoint serves', async () => {
    const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const search = await app.core.call('projects:create', { name: 'search' }, app.token);
    const a = await app.core.call('endpoints:create', { ...vllm, name: 'a' }, app.token);
    const b = await app.core.call('endpoints:create', { ...vllm, name: 'b', fallbackId: a.id }, app.token);
    expect(b.fallback).toEqual({ id: a.id, name: 'a' });
    expect((await app.core.call('endpoints:get', { endpointId: a.id }, app.token)).fallbackFor).toEqual([{ id: b.id, name: 'b' }]);
    await expect(app.core.call('endpoints:update', { endpointId: a.id, fallbackId: b.id }, app.token)).rejects.toMatchObject({ message: expect.stringContaining('fallbackId: would make a loop: b already falls back') });
    await expect(app.core.call('endpoints:update', { endpointId: a.id, fallbackId: a.id }, app.token)).rejects.toMatchObject({ message: expect.stringContaining('cannot be the endpoint itself') });
    await expect(app.core.call('endpoints:update', { endpointId: a.id, projectIds: [fraud.id] }, app.token)).rejects.toMatchObject({
      message: expect.stringContaining('projectIds: b falls back to a and serves every project; a must keep serving those projects'),
    });
    const narrow = await app.core.call('endpoints:create', { ...vllm, name: 'narrow', projectIds: [fraud.id] }, app.token);
    await expect(app.core.call('endpoints:create', { ...vllm, name: 'wide', projectIds: [fraud.id, search.id], fallbackId: narrow.id }, app.token)).rejects.toMatchObject({
      message: expect.stringContaining('narrow serves only fraud, but wide would serve only fraud, search'),
    });
    expect(await app.core.call('endpoints:create', { ...vllm, name: 'fraud-only', projectIds: [fraud.id], fallbackId: narrow.id }, app.token)).toMatchObject({ fallback: { name: 'narrow' } });
    await expect(app.core.call('endpoints:create', { ...vllm, name: 'x', fallbackId: 'ep_missing' }, app.token)).rejects.toMatchObject({ message: expect.stringContaining('names an endpoint that does not exist') });
  });

  it('removes by typed name only, refuses while another endpoint falls back to it, and deletes the key', async () => {
    const a = await app.core.call('endpoints:create', { ...vllm, name: 'a' }, app.token);
    const b = await app.core.call('endpoints:create', { ...vllm, name: 'b', fallbackId: a.id }, app.token);
    await expect(app.core.call('endpoints:remove', { endpointId: a.id, confirmName: 'A' }, app.token)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('must be the endpoint\'s name "a" exactly') });
    await expect(app.core.call('endpoints:remove', { endpointId: a.id, confirmName: 'a' }, app.token)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: 'Endpoint "a" is the fallback of b; it was not removed.' });
    await app.core.call('endpoints:remove', { endpointId: b.id, confirmName: 'b' }, app.token);
    await app.core.call('endpoints:remove', { endpointId: a.id, confirmName: 'a' }, app.token);
    expect(await app.core.call('endpoints:list', {}, app.token)).toEqual([]);
    expect(app.services.vault.list(ENDPOINT_KEY_KIND)).toEqual([]);
  });

  it('shows a developer only what their projects may use; managing needs model:manage', async () => {
    const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const search = await app.core.call('projects:create', { name: 'search' }, app.token);
    const dev = await app.core.call('users:create', { username: 'dev', password: 'correct horse battery', role: 'developer' }, app.token);
    await app.core.call('projects:addMember', { projectId: search.id, userId: dev.id }, app.token);
    await app.core.call('endpoints:create', { ...vllm, name: 'open' }, app.token);
    const hidden = await app.core.call('endpoints:create', { ...vllm, name: 'fraud-only', projectIds: [fraud.id] }, app.token);
    await app.core.call('endpoints:create', { ...vllm, name: 'both', projectIds: [fraud.id, search.id] }, app.token);
    const token = (await app.core.call('auth:signIn', { username: 'dev', password: 'correct horse battery' })).token;
    const seen = await app.core.call('endpoints:list', {}, token);
    expect(seen.map((e) => [e.name, e.projects?.map((p) => p.name) ?? 'all', e.hiddenProjectCount])).toEqual([
      ['both', ['search'], 1],
      ['open', 'all', 0],
    ]);
    await expect(app.core.call('endpoints:get', { endpointId: hidden.id }, token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.core.call('endpoints:create', { ...vllm, name: 'mine' }, token)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('tests with the stored key and keeps the result as the last test', async () => {
    const sim = await startSimulator({ model: 'sim-model', apiKey: KEY, zeroDelay: true });
    try {
      const e = await app.core.call('endpoints:create', { ...vllm, baseUrl: `${sim.url}/v1`, upstreamModel: 'sim-model' }, app.token);
      const r = await app.core.call('endpoints:test', { endpointId: e.id }, app.token);
      expect(r).toMatchObject({ ok: true, models: ['sim-model'], upstreamModelListed: true });
      expect((await app.core.call('endpoints:get', { endpointId: e.id }, app.token)).lastTest).toEqual(r);
      await app.core.call('endpoints:update', { endpointId: e.id, apiKey: 'sk-wrong' }, app.token);
      const refused = await app.core.call('endpoints:test', { endpointId: e.id }, app.token);
      expect(refused.error).toMatchObject({ kind: 'unauthorized' });
      expect((await app.core.call('endpoints:list', {}, app.token))[0]!.lastTest).toMatchObject({ ok: false, status: 401 });
      // Probing is not a change: nothing in the audit chain.
      expect((await app.core.call('audit:list', {}, app.token)).filter((a) => a.action === 'endpoints:test')).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('a project deleted later drops out of the endpoints restricted to it', async () => {
    const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const search = await app.core.call('projects:create', { name: 'search' }, app.token);
    const e = await app.core.call('endpoints:create', { ...vllm, projectIds: [fraud.id, search.id] }, app.token);
    await app.core.call('projects:delete', { projectId: search.id, confirmName: 'search' }, app.token);
    expect((await app.core.call('endpoints:get', { endpointId: e.id }, app.token)).projects).toEqual([{ id: fraud.id, name: 'fraud' }]);
  });
});
