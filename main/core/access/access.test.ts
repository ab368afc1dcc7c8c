import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKeyService } from './api-keys';
import { hashPassword, verifyPassword } from './passwords';
import { ROLE_PERMISSIONS, roleAllows } from './permissions';
import { startAdminCore, type TestCore } from '../testing/harness';

let core: TestCore;
let admin: string;
beforeEach(async () => ({ core, admin } = await startAdminCore()));
afterEach(() => core.dispose());

const raw = (name: string, input: unknown, token?: string) => core.dispatcher.call(name, input, { token, transport: 'test' });

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
    expect(await raw('users:create', { username: 'bob', password: 'short', role: 'developer' }, admin)).toMatchObject({
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
    const me = (await core.call('auth:status', {}, admin)).user!;
    expect(await raw('users:update', { userId: me.id, role: 'viewer' }, admin)).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
    expect(await raw('users:update', { userId: me.id, disabled: true }, admin)).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
  });

  it('signs a disabled user out at once', async () => {
    const bob = await core.call('users:create', { username: 'bob', password: 'bob password 1', role: 'developer' }, admin);
    const token = (await core.call('auth:signIn', { username: 'bob', password: 'bob password 1' })).token;
    await core.call('users:update', { userId: bob.id, disabled: true }, admin);
    expect(await raw('projects:list', {}, token)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await raw('auth:signIn', { username: 'bob', password: 'bob password 1' })).toMatchObject({ ok: false });
  });
});

describe('projects', () => {
  it('refuses a duplicate name, case-insensitively, and keeps the first', async () => {
    const first = await core.call('projects:create', { name: 'fraud-detection', description: 'first' }, admin);
    expect(await raw('projects:create', { name: 'fraud-detection' }, admin)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('already exists') },
    });
    expect(await core.call('projects:list', {}, admin)).toEqual([expect.objectContaining({ id: first.id, description: 'first' })]);
  });

  it('shows developers only the projects they belong to', async () => {
    const p1 = await core.call('projects:create', { name: 'alpha' }, admin);
    await core.call('projects:create', { name: 'beta' }, admin);
    const dev = await core.call('users:create', { username: 'dev', password: 'dev password 1', role: 'developer' }, admin);
    await core.call('projects:addMember', { projectId: p1.id, userId: dev.id }, admin);
    const token = (await core.call('auth:signIn', { username: 'dev', password: 'dev password 1' })).token;
    expect((await core.call('projects:list', {}, token)).map((p) => p.name)).toEqual(['alpha']);
    const beta = (await core.call('projects:list', {}, admin)).find((p) => p.name === 'beta')!;
    expect(await raw('apikeys:list', { projectId: beta.id }, token)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('deletes only when the typed name matches, and revokes its keys with it', async () => {
    const p = await core.call('projects:create', { name: 'gamma' }, admin);
    await core.call('apikeys:create', { projectId: p.id, name: 'k' }, admin);
    expect(await raw('projects:delete', { projectId: p.id, confirmName: 'gama' }, admin)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await core.call('projects:delete', { projectId: p.id, confirmName: 'gamma' }, admin);
    expect(core.services.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get()).toEqual({ n: 0 });
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its SHA-256, and verifies it', async () => {
    const p = await core.call('projects:create', { name: 'delta' }, admin);
    const { key, secret } = await core.call('apikeys:create', { projectId: p.id, name: 'ci', allowedModels: ['llama-3.1-8b'], monthlyTokenBudget: 1_000_000 }, admin);
    expect(secret).toMatch(/^fdy_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
    expect(JSON.stringify(core.services.db.prepare('SELECT * FROM api_keys').all())).not.toContain(secret.slice(4));
    expect(JSON.stringify(await core.call('apikeys:list', { projectId: p.id }, admin))).not.toContain(secret.slice(12));
    expect(core.services.apiKeys.verify(secret)).toMatchObject({ id: key.id, allowedModels: ['llama-3.1-8b'], monthlyTokenBudget: 1_000_000 });
    expect(() => core.services.apiKeys.verify(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toThrowError(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('rejects a revoked key with REVOKED and an expired one with EXPIRED', async () => {
    const p = await core.call('projects:create', { name: 'epsilon' }, admin);
    const revoked = await core.call('apikeys:create', { projectId: p.id, name: 'old' }, admin);
    await core.call('apikeys:revoke', { keyId: revoked.key.id }, admin);
    expect(() => core.services.apiKeys.verify(revoked.secret)).toThrowError(expect.objectContaining({ code: 'REVOKED' }));

    let now = Date.now();
    const keys = createApiKeyService(core.services.db, () => now);
    const soon = keys.create({ projectId: p.id, name: 'soon', allowedModels: ['*'], monthlyTokenBudget: null, expiresAt: new Date(now + 60_000).toISOString() }, 'ada');
    expect(keys.verify(soon.secret).status).toBe('active');
    now += 120_000;
    expect(() => keys.verify(soon.secret)).toThrowError(expect.objectContaining({ code: 'EXPIRED', message: expect.stringContaining('expired') }));
    expect(keys.get(soon.key.id).status).toBe('expired');
  });

  it('refuses an expiry in the past and a duplicate name in the same project', async () => {
    const p = await core.call('projects:create', { name: 'zeta' }, admin);
    expect(await raw('apikeys:create', { projectId: p.id, name: 'k', expiresAt: '2001-01-01T00:00:00Z' }, admin)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await core.call('apikeys:create', { projectId: p.id, name: 'k' }, admin);
    expect(await raw('apikeys:create', { projectId: p.id, name: 'k' }, admin)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
