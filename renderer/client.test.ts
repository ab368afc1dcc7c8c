import { describe, expect, it, vi } from 'vitest';
import type { PreloadApi } from '../main/core/transport';
import { CHANNEL_NAMES } from '../main/core/channel-names';
import { ClientError, bootClient, createClient } from './client';
import { LAUNCH_TOKEN_KEY, createMemoryStore, createSessionTokenStore } from './tokens';
import { createWebTransport, type WireResult } from './transports';

const user = { id: 'u1', username: 'ada', displayName: 'Ada', role: 'admin', disabled: false, createdAt: '2026-01-01T00:00:00Z' };

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function webClient(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => respond(String(url), init ?? {}));
  const sessions = createSessionTokenStore(createMemoryStore());
  const transport = createWebTransport({
    origin: 'http://127.0.0.1:4000',
    launchToken: 'launch-1',
    fetch: fetch as unknown as typeof globalThis.fetch,
    WebSocket: class {} as never,
  });
  return { client: createClient(transport, sessions), fetch, sessions };
}

describe('client over browser mode', () => {
  it('posts the input as JSON with the launch token and no session before sign-in', async () => {
    const { client, fetch } = webClient(() => jsonResponse({ ok: true, value: { setupRequired: true, user: null } }));
    await expect(client.call('auth:status', {})).resolves.toEqual({ setupRequired: true, user: null });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4000/api/call/auth%3Astatus');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({ authorization: 'Bearer launch-1', 'content-type': 'application/json' });
    expect(init?.body).toBe('{}');
  });

  it('keeps the session token from sign-in and sends it on later calls', async () => {
    const { client, fetch, sessions } = webClient((url) =>
      url.endsWith('signIn')
        ? jsonResponse({ ok: true, value: { user, token: 'sess-9', expiresAt: '2026-01-02T00:00:00Z' } })
        : jsonResponse({ ok: true, value: [] }),
    );
    await client.call('auth:signIn', { username: 'ada', password: 'correct horse' });
    expect(sessions.get()).toBe('sess-9');
    await client.call('projects:list', {});
    const headers = fetch.mock.calls[1]![1]?.headers as Record<string, string>;
    expect(headers['x-foundry-session']).toBe('sess-9');
    expect(headers.authorization).toBe('Bearer launch-1');
  });

  it('forgets the session token on sign-out', async () => {
    const { client, sessions } = webClient(() => jsonResponse({ ok: true, value: null }));
    sessions.set('sess-1');
    await client.call('auth:signOut', {});
    expect(sessions.get()).toBeUndefined();
  });

  it('throws a ClientError with the core code, message and hint on a failed result', async () => {
    const { client } = webClient(() =>
      jsonResponse({ ok: false, error: { code: 'CONFLICT', message: 'A project named "a" already exists.', hint: 'Pick another name.' } }, 409),
    );
    const err = await client.call('projects:create', { name: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ code: 'CONFLICT', message: 'A project named "a" already exists.', hint: 'Pick another name.' });
  });

  it('maps a response that is not a Result to a TRANSPORT error', async () => {
    const { client } = webClient(() => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(client.call('system:info', {})).rejects.toMatchObject({ code: 'TRANSPORT', message: expect.stringContaining('HTTP 502') });
  });

  it('maps a refused launch token to a hint about reopening the printed URL', async () => {
    const { client } = webClient(() => new Response('', { status: 401 }));
    await expect(client.call('auth:status', {})).rejects.toMatchObject({ code: 'TRANSPORT', hint: expect.stringContaining('npm run web') });
  });

  it('maps a network failure to a TRANSPORT error without the raw exception', async () => {
    const { client } = webClient(() => {
      throw new TypeError('fetch failed: ECONNREFUSED 127.0.0.1:4000');
    });
    const err = (await client.call('auth:status', {}).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('TRANSPORT');
    expect(err.message).not.toContain('ECONNREFUSED');
  });

  it('drops the session and tells listeners when a signed-in call is UNAUTHENTICATED', async () => {
    const { client, sessions } = webClient(() =>
      jsonResponse({ ok: false, error: { code: 'EXPIRED', message: 'Your session has expired.', hint: 'Sign in again.' } }, 401),
    );
    sessions.set('old');
    const lost = vi.fn();
    client.onSessionLost(lost);
    await expect(client.call('projects:list', {})).rejects.toMatchObject({ code: 'EXPIRED' });
    expect(sessions.get()).toBeUndefined();
    expect(lost).toHaveBeenCalledOnce();
  });

  it('does not treat a wrong current password as a lost session', async () => {
    const { client, sessions } = webClient(() =>
      jsonResponse({ ok: false, error: { code: 'INVALID_INPUT', message: 'The current password is wrong.' } }, 400),
    );
    sessions.set('keep');
    const lost = vi.fn();
    client.onSessionLost(lost);
    await expect(client.call('auth:changePassword', { currentPassword: 'x', newPassword: 'y' })).rejects.toBeInstanceOf(ClientError);
    expect(sessions.get()).toBe('keep');
    expect(lost).not.toHaveBeenCalled();
  });
});

function fakePreload(answer: WireResult) {
  const fns = Object.fromEntries(CHANNEL_NAMES.map((n) => [n, vi.fn(async () => answer)]));
  const onEvent = vi.fn(() => () => undefined);
  return { api: { channels: fns, onEvent } as unknown as PreloadApi, fns, onEvent };
}

function bootWindow(extra: { foundry?: PreloadApi; hash?: string }) {
  return {
    foundry: extra.foundry,
    location: { hash: extra.hash ?? '', pathname: '/', search: '', origin: 'http://127.0.0.1:4000' },
    history: { replaceState: vi.fn() },
    sessionStorage: createMemoryStore(),
    fetch: vi.fn() as unknown as typeof fetch,
    WebSocket: class {} as unknown as typeof WebSocket,
  };
}

describe('client over Electron preload', () => {
  it('uses window.foundry when present and sends the session with the input', async () => {
    const { api, fns } = fakePreload({ ok: true, value: [] });
    const win = bootWindow({ foundry: api });
    const boot = bootClient(win);
    if (!('client' in boot)) throw new Error('expected a client');
    expect(boot.client.kind).toBe('electron');
    win.sessionStorage.setItem('foundry.sessionToken', 'sess-e');
    await boot.client.call('projects:members', { projectId: 'p1' });
    expect(fns['projects:members']).toHaveBeenCalledWith({ session: 'sess-e', input: { projectId: 'p1' } });
  });

  it('subscribes to events with the current session, and not at all when signed out', () => {
    const { api, onEvent } = fakePreload({ ok: true, value: null });
    const win = bootWindow({ foundry: api });
    const boot = bootClient(win);
    if (!('client' in boot)) throw new Error('expected a client');
    boot.client.onEvent(() => undefined);
    expect(onEvent).not.toHaveBeenCalled();
    win.sessionStorage.setItem('foundry.sessionToken', 'sess-e');
    const listener = vi.fn();
    boot.client.onEvent(listener);
    expect(onEvent).toHaveBeenCalledWith('sess-e', listener);
  });

  it('maps an Electron error result to a ClientError', async () => {
    const { api } = fakePreload({ ok: false, error: { code: 'FORBIDDEN', message: 'Your role (viewer) does not allow user:view.', hint: 'Ask an admin.' } });
    const boot = bootClient(bootWindow({ foundry: api }));
    if (!('client' in boot)) throw new Error('expected a client');
    await expect(boot.client.call('users:list', {})).rejects.toMatchObject({ code: 'FORBIDDEN', hint: 'Ask an admin.' });
  });
});

describe('bootClient in browser mode', () => {
  it('reports a missing launch token instead of building a client', () => {
    expect(bootClient(bootWindow({}))).toEqual({ missingLaunchToken: true });
  });

  it('takes the launch token from the URL fragment', () => {
    const win = bootWindow({ hash: '#token=t0k' });
    const boot = bootClient(win);
    expect('client' in boot && boot.client.kind).toBe('web');
    expect(win.sessionStorage.getItem(LAUNCH_TOKEN_KEY)).toBe('t0k');
    expect(win.history.replaceState).toHaveBeenCalled();
  });
});
