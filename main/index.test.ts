import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { tempDir } from './core/testing/harness';
import { CHANNEL_NAMES } from './core/channel-names';

/** main/index.ts with electron replaced at the edge; the core behind it is real. */
const home = tempDir();
const state = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; contents: EventEmitter & Record<string, unknown>; url?: string }[],
  handlers: new Map<string, unknown>(),
  appEvents: new Map<string, (...args: unknown[]) => void>(),
  openExternal: [] as string[],
  headerHooks: [] as ((details: unknown, cb: (r: unknown) => void) => void)[],
  quit: 0,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: EventEmitter & Record<string, unknown>;
    constructor(public options: Record<string, unknown>) {
      const contents = new EventEmitter() as EventEmitter & Record<string, unknown>;
      contents.session = { webRequest: { onHeadersReceived: (fn: (d: unknown, cb: (r: unknown) => void) => void) => state.headerHooks.push(fn) } };
      contents.setWindowOpenHandler = (fn: unknown) => (contents.windowOpenHandler = fn);
      this.webContents = contents;
      state.windows.push({ options, contents });
    }
    once() {}
    show() {}
    loadURL(url: string) {
      state.windows.at(-1)!.url = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      getPath: () => home.path,
      on: (name: string, fn: (...args: unknown[]) => void) => state.appEvents.set(name, fn),
      quit: () => state.quit++,
      exit: () => undefined,
    },
    ipcMain: {
      handle: (name: string, fn: unknown) => state.handlers.set(name, fn),
      removeHandler: (name: string) => state.handlers.delete(name),
      on: () => undefined,
      removeAllListeners: () => undefined,
    },
    shell: { openExternal: (url: string) => state.openExternal.push(url) },
  };
});

beforeAll(async () => {
  process.env.FOUNDRY_HOME = home.path;
  await import('./index');
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
});
afterAll(() => {
  delete process.env.FOUNDRY_HOME;
  home.remove();
});

describe('desktop main process', () => {
  it('opens the window isolated and sandboxed, without Node in the page', () => {
    const prefs = state.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/preload\/index\.js$/);
    expect(state.windows[0]!.url).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
  });

  it('registers an IPC handler for every channel', () => {
    expect(state.handlers.size).toBe(CHANNEL_NAMES.length);
  });

  it('blocks navigation away from the app and new windows; https links go to the browser', () => {
    const { contents, url } = state.windows[0]!;
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalled();
    const stay = { preventDefault: vi.fn() };
    contents.emit('will-navigate', stay, url);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    const open = contents.windowOpenHandler as (d: { url: string }) => { action: string };
    expect(open({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(state.openExternal).toEqual(['https://docs.example/']);
  });

  it('adds a strict Content-Security-Policy to every response', () => {
    let headers: Record<string, string[]> = {};
    state.headerHooks[0]!({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders));
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
  });

  it('refuses webviews', () => {
    const contents = new EventEmitter();
    state.appEvents.get('web-contents-created')!({}, contents);
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('closes the core before quitting', async () => {
    const event = { preventDefault: vi.fn() };
    state.appEvents.get('will-quit')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(state.quit).toBeGreaterThan(0));
  });
});
