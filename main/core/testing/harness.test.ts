import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useAdminCore } from './harness';

describe('useAdminCore, one core per test', () => {
  const app = useAdminCore();
  let firstHome = '';

  it('hands out a running core, its services and the admin session', async () => {
    firstHome = app.core.home;
    expect(existsSync(firstHome)).toBe(true);
    expect(app.services).toBe(app.core.services);
    expect((await app.core.call('auth:status', {}, app.token)).user).toMatchObject({ username: 'ada', role: 'admin' });
  });

  it('disposes the last test’s core (its data folder is gone) and starts a new one', () => {
    expect(firstHome).not.toBe('');
    expect(existsSync(firstHome)).toBe(false);
    expect(app.core.home).not.toBe(firstHome);
  });

  it('starts fresh mid-test: the old core is disposed, the new one has its own data and admin', async () => {
    const before = { home: app.core.home, token: app.token };
    await app.core.call('projects:create', { name: 'before' }, before.token);
    await app.startFresh({ clusterTimeoutMs: 1234 });
    expect(existsSync(before.home)).toBe(false);
    expect(app.core.home).not.toBe(before.home);
    expect(app.token).not.toBe(before.token);
    expect(await app.core.call('projects:list', {}, app.token)).toEqual([]);
    await expect(app.core.call('projects:list', {}, before.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('useAdminCore, one core per file', () => {
  const app = useAdminCore({ per: 'file' });
  let home = '';

  it('keeps the same core across the tests of its block', async () => {
    home = app.core.home;
    await app.core.call('projects:create', { name: 'kept' }, app.token);
  });

  it('is the same core here', async () => {
    expect(app.core.home).toBe(home);
    expect((await app.core.call('projects:list', {}, app.token)).map((p) => p.name)).toEqual(['kept']);
  });
});

describe('useAdminCore when a system part is missing', () => {
  const app = useAdminCore({ when: false });

  it('starts nothing, and says so when a test reaches for the core', () => {
    expect(() => app.core).toThrowError('No admin core is running');
    expect(() => app.token).toThrowError('No admin core is running');
  });
});
