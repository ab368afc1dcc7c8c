import { describe, expect, it } from 'vitest';
import { CHANNELS } from './channels';
import { CHANNEL_NAMES } from './channel-names';
import { HANDLERS } from './handlers';
import { ADMIN, useAdminCore } from './testing/harness';

const app = useAdminCore();


const raw = (name: string, input: unknown, token?: string) => app.core.dispatcher.call(name, input, { token, transport: 'test' });

describe('channel table', () => {
  it('lists the same channels in channel-names.ts and the table, each with a handler', () => {
    expect(Object.keys(CHANNELS).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(Object.keys(HANDLERS).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('has an audit mapping for every channel that changes state', () => {
    for (const name of CHANNEL_NAMES) {
      if (CHANNELS[name].mutates) expect(HANDLERS[name].audit, name).toBeTypeOf('function');
    }
  });
});

describe('dispatcher', () => {
  it('rejects malformed input with INVALID_INPUT naming the field, and changes nothing', async () => {
    const before = app.services.audit.head();
    const result = await raw('projects:create', { name: 'Not A DNS Label!' }, app.token);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('name:') } });
    expect((await raw('projects:create', 'not an object', app.token)).ok).toBe(false);
    expect((await raw('projects:create', { name: 'ok', extra: 1 }, app.token)).ok).toBe(false);
    expect(app.services.audit.head()).toEqual(before);
    expect(await app.core.call('projects:list', {}, app.token)).toEqual([]);
  });

  it('answers an unknown channel with NOT_FOUND', async () => {
    expect(await raw('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await raw('__proto__', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('requires a session for non-public channels', async () => {
    expect(await raw('projects:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await raw('projects:list', {}, 'forged-token')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('enforces role permissions in the core', async () => {
    await app.core.call('users:create', { username: 'vic', password: 'viewer password 1', role: 'viewer' }, app.token);
    const viewer = (await app.core.call('auth:signIn', { username: 'vic', password: 'viewer password 1' })).token;
    expect(await raw('projects:create', { name: 'x' }, viewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('viewer') } });
    expect(await raw('audit:list', {}, viewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await raw('projects:list', {}, viewer)).ok).toBe(true);
  });

  it('appends one audit record per successful state change, without secrets', async () => {
    const project = await app.core.call('projects:create', { name: 'fraud-detection' }, app.token);
    const { secret } = await app.core.call('apikeys:create', { projectId: project.id, name: 'ci' }, app.token);
    const records = app.services.audit.list();
    expect(records.map((r) => r.action)).toEqual(['apikeys:create', 'projects:create', 'auth:setup']);
    expect(records[0]).toMatchObject({ actor: ADMIN.username, target: expect.stringMatching(/^key_/) });
    const all = JSON.stringify(app.services.db.prepare('SELECT * FROM audit_log').all());
    expect(all).not.toContain(secret);
    expect(all).not.toContain(ADMIN.password);
    expect(app.services.audit.verify()).toMatchObject({ ok: true, count: 3 });
  });
});

describe('first run and sign-in', () => {
  it('creates the admin once and refuses a second setup', async () => {
    expect(await app.core.call('auth:status', {}, app.token)).toMatchObject({ setupRequired: false, user: { username: 'ada', role: 'admin' } });
    expect((await app.core.call('auth:status', {}, app.token)).user!.permissions).toContain('user:manage');
    expect(await raw('auth:setup', { username: 'eve', password: 'another password' })).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION' } });
  });

  it('signs in with the right password only, and audits failures', async () => {
    expect(await raw('auth:signIn', { username: 'ada', password: 'wrong password!' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await raw('auth:signIn', { username: 'nobody', password: 'wrong password!' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(app.services.audit.list({ action: 'auth:signIn.failed' })).toHaveLength(2);
    const grant = await app.core.call('auth:signIn', { ...ADMIN });
    expect(grant.user.username).toBe('ada');
    await app.core.call('users:create', { username: 'vic', password: 'viewer password 1', role: 'viewer' }, grant.token);
    const viewer = await app.core.call('auth:signIn', { username: 'vic', password: 'viewer password 1' });
    expect(viewer.user.permissions.every((p) => p.endsWith(':view'))).toBe(true);
  });

  it('locks a username out after repeated failures', async () => {
    for (let i = 0; i < 5; i++) await raw('auth:signIn', { username: 'ada', password: `wrong ${i} attempt` });
    expect(await raw('auth:signIn', { ...ADMIN })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/Try again in \d+ s/) } });
  });

  it('ends the session on sign-out', async () => {
    await app.core.call('auth:signOut', {}, app.token);
    expect(await raw('projects:list', {}, app.token)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});
