import { SignJWT } from 'jose';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, type Running } from '../../../gateway/test-support/harness';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { keychainTestsAvailable, tempDir, useAdminCore } from '../testing/harness';
import { renderGatewayConfig, SECRETS_MOUNT } from './render';

/** Endpoints in the gateway config the desktop renders, and that config run by a real gateway. */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });
const dir = tempDir('foundry-render-endpoints-');
afterAll(() => dir.remove());

const PRIMARY_KEY = 'sk-primary-7f3a9c1e5b';
const BACKUP_KEY = 'sk-backup-2d8e4f6a0c';
const JWT_SECRET = 'render-endpoints-jwt-shared-secret-0123456789';
const token = (project: string) => new SignJWT({ project, models: '*' }).setSubject('svc').setExpirationTime('5m').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(JWT_SECRET));

async function registry(primaryUrl = 'http://vllm-a.models:8000/v1', backupUrl = 'http://vllm-b.models:8000/v1') {
  const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
  const search = await app.core.call('projects:create', { name: 'search' }, app.token);
  const backup = await app.core.call('endpoints:create', { name: 'llama-backup', kind: 'openai_compatible', baseUrl: backupUrl, upstreamModel: 'llama', apiKey: BACKUP_KEY }, app.token);
  const primary = await app.core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: primaryUrl, upstreamModel: 'llama', apiKey: PRIMARY_KEY, fallbackId: backup.id }, app.token);
  const gpt = await app.core.call('endpoints:create', { name: 'gpt-4o', kind: 'openai', apiKey: 'sk-openai-abcdef', projectIds: [fraud.id] }, app.token);
  const fraudKey = await app.core.call('apikeys:create', { projectId: fraud.id, name: 'all' }, app.token);
  const searchKey = await app.core.call('apikeys:create', { projectId: search.id, name: 'all' }, app.token);
  const searchListed = await app.core.call('apikeys:create', { projectId: search.id, name: 'listed', allowedModels: ['gpt-4o', 'future-model'] }, app.token);
  return { fraud, search, backup, primary, gpt, fraudKey, searchKey, searchListed };
}

describe.skipIf(!available)('endpoints in the rendered gateway config', () => {
  it('become providers whose keys are files in the Secret mount, and models whose targets follow the fallback chain', async () => {
    const r = await registry();
    const { toml, secretFiles } = renderGatewayConfig(app.services.db);
    for (const key of [PRIMARY_KEY, BACKUP_KEY, 'sk-openai-abcdef']) expect(toml).not.toContain(key);
    const parsed = parseGatewayConfig(toml);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const c = parsed.value;
    const file = (id: string) => `endpoint-${id}.key-r1`;
    expect(c.providers.llama).toMatchObject({ kind: 'openai_compatible', base_url: 'http://vllm-a.models:8000/v1', api_key_file: `${SECRETS_MOUNT}/${file(r.primary.id)}` });
    expect(c.providers['gpt-4o']).toMatchObject({ kind: 'openai', base_url: 'https://api.openai.com/v1', api_key_file: `${SECRETS_MOUNT}/${file(r.gpt.id)}` });
    expect(c.models.llama!.strategy).toBe('priority');
    expect(c.models.llama!.targets).toEqual([
      { provider: 'llama', model: 'llama', weight: 1 },
      { provider: 'llama-backup', model: 'llama', weight: 1 },
    ]);
    expect(c.models['llama-backup']!.targets).toEqual([{ provider: 'llama-backup', model: 'llama', weight: 1 }]);
    for (const e of [r.primary, r.backup, r.gpt]) {
      expect((await app.services.vault.get(secretFiles[file(e.id)]!)).toString()).toBe(e === r.primary ? PRIMARY_KEY : e === r.backup ? BACKUP_KEY : 'sk-openai-abcdef');
    }
    // gpt-4o is for fraud only: the model says so, for every kind of caller; keys keep their own lists.
    expect(c.models['gpt-4o']!.projects).toEqual(['fraud']);
    expect(c.models.llama!.projects).toBeUndefined();
    const allowed = Object.fromEntries(c.auth.api_keys.map((k) => [k.id, k.allowed_models]));
    expect(allowed[r.fraudKey.key.id]).toEqual(['*']);
    expect(allowed[r.searchKey.key.id]).toEqual(['*']);
    expect(allowed[r.searchListed.key.id]).toEqual(['gpt-4o', 'future-model']);
  });

  it('a scope follows project changes: a project added to an endpoint is listed, a removed one is not', async () => {
    const r = await registry();
    await app.core.call('endpoints:update', { endpointId: r.gpt.id, projectIds: [r.fraud.id, r.search.id] }, app.token);
    expect(renderGatewayConfig(app.services.db).config.models['gpt-4o']!.projects).toEqual(['fraud', 'search']);
    await app.core.call('endpoints:update', { endpointId: r.gpt.id, projectIds: null }, app.token);
    expect(renderGatewayConfig(app.services.db).config.models['gpt-4o']!.projects).toBeUndefined();
  });

  it('a replaced key is a new file name, so the config changes and gateways reload; a removed endpoint leaves nothing behind', async () => {
    const r = await registry();
    const before = renderGatewayConfig(app.services.db);
    await app.core.call('endpoints:update', { endpointId: r.backup.id, apiKey: 'sk-backup-rotated' }, app.token);
    const after = renderGatewayConfig(app.services.db);
    expect(after.toml).not.toBe(before.toml);
    expect(Object.keys(after.secretFiles)).toContain(`endpoint-${r.backup.id}.key-r2`);
    expect(Object.keys(after.secretFiles)).not.toContain(`endpoint-${r.backup.id}.key-r1`);
    await app.core.call('endpoints:update', { endpointId: r.primary.id, fallbackId: null }, app.token);
    await app.core.call('endpoints:remove', { endpointId: r.backup.id, confirmName: 'llama-backup' }, app.token);
    const gone = renderGatewayConfig(app.services.db);
    expect(gone.toml).not.toContain('llama-backup');
    expect(Object.keys(gone.secretFiles).some((f) => f.includes(r.backup.id))).toBe(false);
  });
});

describe.skipIf(!available)('the rendered config in a real gateway', () => {
  const sims: Simulator[] = [];
  let gw: Running | undefined;
  afterEach(async () => {
    await gw?.close();
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  const chat = (key: string, model: string) =>
    fetch(`${gw!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });

  it('sends every request to the endpoint itself while it is up, and to its fallback when it is down; other projects never see a restricted model, whether they call with a key or a JWT', async () => {
    const primary = await startSimulator({ model: 'llama', apiKey: PRIMARY_KEY, zeroDelay: true });
    const backup = await startSimulator({ model: 'llama', apiKey: BACKUP_KEY, zeroDelay: true });
    sims.push(primary, backup);
    const r = await registry(`${primary.url}/v1`, `${backup.url}/v1`);
    const { toml, secretFiles } = renderGatewayConfig(app.services.db);
    // What the kubelet does with the Secret: one file per data key in the mount.
    const mount = join(dir.path, 'secrets');
    mkdirSync(mount, { recursive: true });
    for (const [file, secretId] of Object.entries(secretFiles)) writeFileSync(join(mount, file), await app.services.vault.get(secretId));
    const parsed = parseGatewayConfig(toml);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    // An operator's identity provider next to the desktop's keys: JWTs carry the project in a claim.
    writeFileSync(join(mount, 'jwt-secret'), JWT_SECRET);
    const jwt = { algorithms: ['HS256' as const], secret_file: `${SECRETS_MOUNT}/jwt-secret` };
    // The parsed config carries the server defaults (0.0.0.0:8080); a test listens on a free loopback port.
    gw = await listenGateway({ ...parsed.value, server: { ...parsed.value.server, host: '127.0.0.1', port: 0 }, auth: { ...parsed.value.auth, jwt } }, { env: {}, readFile: (p) => readFileSync(join(mount, relative(SECRETS_MOUNT, p)), 'utf8') });

    for (let i = 0; i < 40; i++) expect((await chat(r.fraudKey.secret, 'llama')).status).toBe(200);
    expect(primary.stats.completed).toBe(40);
    expect(backup.stats.received).toBe(0);

    await primary.close();
    const res = await chat(r.fraudKey.secret, 'llama');
    expect(res.status).toBe(200);
    expect(backup.stats.completed).toBe(1);

    const denied = await chat(r.searchKey.secret, 'gpt-4o');
    expect(denied.status).toBe(404);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    // A key that names the model itself is still held to its project.
    const named = await chat(r.searchListed.secret, 'gpt-4o');
    expect(named.status).toBe(404);
    expect(((await named.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    const listed = async (token: string) => ((await (await fetch(`${gw!.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id).sort();
    expect(await listed(r.searchKey.secret)).toEqual(['llama', 'llama-backup']);
    expect(await listed(r.fraudKey.secret)).toEqual(['gpt-4o', 'llama', 'llama-backup']);

    const searchJwt = await token('search');
    const jwtDenied = await chat(searchJwt, 'gpt-4o');
    expect(jwtDenied.status).toBe(404);
    expect(((await jwtDenied.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    expect(await listed(searchJwt)).toEqual(['llama', 'llama-backup']);
    expect((await chat(searchJwt, 'llama')).status).toBe(200);
    expect(await listed(await token('fraud'))).toEqual(['gpt-4o', 'llama', 'llama-backup']);
  });
});
