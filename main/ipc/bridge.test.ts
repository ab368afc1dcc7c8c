import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { registerIpc } from './bridge';
import { isTrustedRendererUrl } from './security';
import { CHANNEL_NAMES } from '../core/channel-names';
import { IPC } from '../core/transport';
import { ADMIN, startTestCore, type TestCore } from '../core/testing/harness';

/** A stand-in for ipcMain with the same handle/on surface; the core behind it is real. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const emitter = new EventEmitter();
  return {
    handlers,
    emitter,
    handle: (name: string, fn: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(name, fn),
    removeHandler: (name: string) => handlers.delete(name),
    on: (name: string, fn: (...args: unknown[]) => void) => emitter.on(name, fn),
    removeAllListeners: (name: string) => emitter.removeAllListeners(name),
  };
}

const ENTRY = 'file:///opt/foundry/out/renderer/index.html';
const trusted = { url: ENTRY, parent: null };

let core: TestCore;
let ipc: ReturnType<typeof fakeIpcMain>;
let unregister: () => void;
beforeEach(() => {
  core = startTestCore();
  ipc = fakeIpcMain();
  unregister = registerIpc(ipc as never, core, isTrustedRendererUrl(ENTRY));
});
afterEach(async () => {
  unregister();
  await core.dispose();
});

describe('IPC bridge', () => {
  it('registers one handler per channel and removes them all', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map((n) => `${IPC.callPrefix}${n}`).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
    unregister = () => undefined;
  });

  it('passes the envelope to the core and returns its result', async () => {
    const status = await ipc.handlers.get(`${IPC.callPrefix}auth:status`)!({ senderFrame: trusted }, { input: {} });
    expect(status).toEqual({ ok: true, value: { setupRequired: true, user: null } });
    const setup = (await ipc.handlers.get(`${IPC.callPrefix}auth:setup`)!({ senderFrame: trusted }, { input: { ...ADMIN } })) as { ok: boolean };
    expect(setup.ok).toBe(true);
    expect(core.services.audit.list()[0]).toMatchObject({ action: 'auth:setup', details: expect.objectContaining({ via: 'ipc' }) });
  });

  it('refuses calls from an iframe, another page, or an unknown sender before they reach the core', async () => {
    const call = ipc.handlers.get(`${IPC.callPrefix}auth:setup`)!;
    for (const senderFrame of [
      { url: ENTRY, parent: {} },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/other.html', parent: null },
      null,
    ]) {
      expect(await call({ senderFrame }, { input: { ...ADMIN } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(core.services.users.count()).toBe(0);
  });

  it('pushes job events to a subscribed, signed-in window and stops when it is destroyed', async () => {
    const grant = (await core.call('auth:setup', { ...ADMIN })).token;
    const sent: unknown[] = [];
    const sender = Object.assign(new EventEmitter(), { isDestroyed: () => false, send: vi.fn((_c: string, e: unknown) => sent.push(e)) });
    ipc.emitter.emit(IPC.eventsSubscribe, { senderFrame: trusted, sender }, grant);
    await core.call('vault:rotate', {}, grant);
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBeGreaterThan(0);
    sender.emit('destroyed');
    const count = sent.length;
    await core.call('vault:rotate', {}, grant).catch(() => null);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.length).toBe(count);
  });
  it('forwards a Playground answer only to the window whose session asked for it', async () => {
    const mine = (await core.call('auth:setup', { ...ADMIN })).token;
    const other = (await core.call('auth:signIn', { ...ADMIN })).token;
    const window = (session: string) => {
      const got: unknown[] = [];
      const sender = Object.assign(new EventEmitter(), { isDestroyed: () => false, send: vi.fn((_c: string, e: unknown) => got.push(e)) });
      ipc.emitter.emit(IPC.eventsSubscribe, { senderFrame: trusted, sender }, session);
      return got;
    };
    const a = window(mine);
    const b = window(other);
    core.services.events.publish({ kind: 'playground', requestId: 'chat_1', delta: 'hi' }, { permission: 'playground:use', session: mine });
    expect(a).toEqual([{ kind: 'playground', requestId: 'chat_1', delta: 'hi' }]);
    expect(b).toEqual([]);
  });
});

describe('trusted renderer check', () => {
  it('accepts only our entry file or the dev server origin, in the top frame', () => {
    const file = isTrustedRendererUrl(ENTRY);
    expect(file(ENTRY, true)).toBe(true);
    expect(file(`${ENTRY}#/audit`, true)).toBe(true);
    expect(file(ENTRY, false)).toBe(false);
    expect(file('file:///etc/passwd', true)).toBe(false);
    const dev = isTrustedRendererUrl('http://localhost:5173/');
    expect(dev('http://localhost:5173/index.html', true)).toBe(true);
    expect(dev('http://localhost:5174/', true)).toBe(false);
  });
});
