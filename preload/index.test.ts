import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreloadApi } from '../main/core/transport';

const exposed = vi.hoisted(() => ({ api: undefined as unknown, key: '', invoked: [] as unknown[][], listeners: new Map<string, (...a: unknown[]) => void>(), sent: [] as unknown[][] }));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed.key = key;
      exposed.api = api;
    },
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      exposed.invoked.push(args);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (name: string, fn: (...a: unknown[]) => void) => exposed.listeners.set(name, fn),
    removeListener: (name: string) => exposed.listeners.delete(name),
    send: (...args: unknown[]) => exposed.sent.push(args),
  },
}));

beforeAll(async () => {
  await import('./index');
});

describe('preload', () => {
  it('exposes exactly one function per channel and an event subscription, nothing else', () => {
    const api = exposed.api as PreloadApi;
    expect(exposed.key).toBe('foundry');
    expect(Object.isFrozen(api)).toBe(true);
    expect({ keys: Object.keys(api).sort(), channels: Object.keys(api.channels).sort() }).toMatchSnapshot();
    for (const fn of Object.values(api.channels)) expect(fn).toBeTypeOf('function');
  });

  it('forwards only the session and the input, on the channel of the same name', async () => {
    const api = exposed.api as PreloadApi;
    await api.channels['projects:create']({ session: 's', input: { name: 'x' }, extra: 'dropped' } as never);
    expect(exposed.invoked.at(-1)).toEqual(['foundry:projects:create', { session: 's', input: { name: 'x' } }]);
  });

  it('hands listeners the event data, never the IPC event object', () => {
    const api = exposed.api as PreloadApi;
    const received: unknown[] = [];
    const off = api.onEvent('s', (e) => received.push(e));
    expect(exposed.sent.at(-1)).toEqual(['foundry-events:subscribe', 's']);
    exposed.listeners.get('foundry-events:event')!({ sender: 'secret' }, { kind: 'job' });
    expect(received).toEqual([{ kind: 'job' }]);
    off();
    expect(exposed.listeners.has('foundry-events:event')).toBe(false);
  });
});
