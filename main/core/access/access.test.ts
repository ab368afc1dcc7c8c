import { describe, expect, it } from 'vitest';
import { createApiKeyService } from './api-keys';
import { hashPassword, verifyPassword } from './passwords';
import { ROLE_PERMISSIONS, roleAllows } from './permissions';
import { useAdminCore } from '../testing/harness';

const app = useAdminCore();

const raw = (name: string, input: unknown, token?: string) => app.core.dispatcher.call(name, input, { token, transport: 'test' });

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt, and verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('rejects a short password with the rule in the message', async () => {
    expect(await raw('users:create', { username: 'bob', password: 'short', role: 'developer' }, app.token)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('at least 10 characters') },
    });
  });
});

describe('roles', () => {
  it('gives admin everything and viewer no write permission', () => {
    expect(ROLE_PERMISSIONS.admin.size).toBeGreaterThan(15);
    for (const p of ROLE_PERMISSIONS.viewer) expect(p.endsWith(':view')).toBe(true);
    expect(roleAllows('developer', 'apikey:manage')).toBe(true);
    expect(roleAllows('developer', 'user:manage')).toBe(false);
    expect(roleAllows('tester', 'evaluation:run')).toBe(true);
  });

  it('refuses to demote or disable the last admin', async () => {
    const me = (await app.core.call('auth:status', {}, app.token)).user!;
    expect(await raw('users:update', { userId: me.id, role: 'viewer' }, app.token)).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
    expect(await raw('users:update', { userId: me.id, disabled: true }, app.token)).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
  });

  it('signs a disabled user out at once', async () => {
    const bob = await app.core.call('users:create', { username: 'bob', password: 'bob password 1', role: 'developer' }, app.token);
    const token = (await app.core.call('auth:signIn', { username: 'bob', password: 'bob password 1' })).token;
    await app.core.call('users:update', { userId: bob.id, disabled: true }, app.token);
    expect(await raw('projects:list', {}, token)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await raw('auth:signIn', { username: 'bob', password: 'bob password 1' })).toMatchObject({ ok: false });
  });
});

describe('projects', () => {
  it('refuses a duplicate name, case-insensitively, and keeps the first', async () => {
    const first = await app.core.call('projects:create', { name: 'fraud-detection', description: 'first' }, app.token);
    expect(await raw('projects:create', { name: 'fraud-detection' }, app.token)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('already exists') },
    });
    expect(await app.core.call('projects:list', {}, app.token)).toEqual([expect.objectContaining({ id: first.id, description: 'first' })]);
  });

  it('shows developers only the projects they belong to', async () => {
    const p1 = await app.core.call('projects:create', { name: 'alpha' }, app.token);
    await app.core.call('projects:create', { name: 'beta' }, app.token);
    const dev = await app.core.call('users:create', { username: 'dev', password: 'dev password 1', role: 'developer' }, app.token);
    await app.core.call('projects:addMember', { projectId: p1.id, userId: dev.id }, app.token);
    const token = (await app.core.call('auth:signIn', { username: 'dev', password: 'dev password 1' })).token;
    expect((await app.core.call('projects:list', {}, token)).map((p) => p.name)).toEqual(['alpha']);
    const beta = (await app.core.call('projects:list', {}, app.token)).find((p) => p.name === 'beta')!;
    expect(await raw('apikeys:list', { projectId: beta.id }, token)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('deletes only when the typed name matches, and revokes its keys with it', async () => {
    const p = await app.core.call('projects:create', { name: 'gamma' }, app.token);
    await app.core.call('apikeys:create', { projectId: p.id, name: 'k' }, app.token);
    expect(await raw('projects:delete', { projectId: p.id, confirmName: 'gama' }, app.token)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await app.core.call('projects:delete', { projectId: p.id, confirmName: 'gamma' }, app.token);
    expect(app.services.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get()).toEqual({ n: 0 });
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its SHA-256, and verifies it', async () => {
    const p = await app.core.call('projects:create', { name: 'delta' }, app.token);
    const { key, secret } = await app.core.call('apikeys:create', { projectId: p.id, name: 'ci', allowedModels: ['llama-3.1-8b'], monthlyTokenBudget: 1_000_000 }, app.token);
    expect(secret).toMatch(/^fdy_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
    expect(JSON.stringify(app.services.db.prepare('SELECT * FROM api_keys').all())).not.toContain(secret.slice(4));
    expect(JSON.stringify(await app.core.call('apikeys:list', { projectId: p.id }, app.token))).not.toContain(secret.slice(12));
    expect(app.services.apiKeys.verify(secret)).toMatchObject({ id: key.id, allowedModels: ['llama-3.1-8b'], monthlyTokenBudget: 1_000_000 });
    expect(() => app.services.apiKeys.verify(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toThrowError(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('rejects a revoked key with REVOKED and an expired one with EXPIRED', async () => {
    const p = await app.core.call('projects:create', { name: 'epsilon' }, app.token);
    const revoked = await app.core.call('apikeys:create', { projectId: p.id, name: 'old' }, app.token);
    await app.core.call('apikeys:revoke', { keyId: revoked.key.id }, app.token);
    expect(() => app.services.apiKeys.verify(revoked.secret)).toThrowError(expect.objectContaining({ code: 'REVOKED' }));

    let now = Date.now();
    const keys = createApiKeyService(app.services.db, () => now);
    const soon = keys.create({ projectId: p.id, name: 'soon', allowedModels: ['*'], monthlyTokenBudget: null, expiresAt: new Date(now + 60_000).toISOString() }, 'ada');
    expect(keys.verify(soon.secret).status).toBe('active');
    now += 120_000;
    expect(() => keys.verify(soon.secret)).toThrowError(expect.objectContaining({ code: 'EXPIRED', message: expect.stringContaining('expired') }));
    expect(keys.get(soon.key.id).status).toBe('expired');
  });

  it('refuses an expiry in the past and a duplicate name in the same project', async () => {
    const p = await app.core.call('projects:create', { name: 'zeta' }, app.token);
    expect(await raw('apikeys:create', { projectId: p.id, name: 'k', expiresAt: '2001-01-01T00:00:00Z' }, app.token)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await app.core.call('apikeys:create', { projectId: p.id, name: 'k' }, app.token);
    expect(await raw('apikeys:create', { projectId: p.id, name: 'k' }, app.token)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
