import { BrowserWindow, shell, type WebPreferences } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The main window, locked down: isolated, sandboxed renderer without Node; navigation and new
 * windows blocked (https links open in the user's browser instead); a strict CSP on every response.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const WEB_PREFERENCES = (preload: string): WebPreferences => ({
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  spellcheck: false,
});

export function rendererEntry(outDir: string, devServerUrl?: string): string {
  return devServerUrl ?? pathToFileURL(join(outDir, 'renderer', 'index.html')).toString();
}

/** Only our own entry page may call the core: same file (or dev server origin), top frame. */
export function isTrustedRendererUrl(entry: string) {
  const expected = new URL(entry);
  return (frameUrl: string | undefined, isTopFrame: boolean): boolean => {
    if (!frameUrl || !isTopFrame) return false;
    try {
      const url = new URL(frameUrl);
      return expected.protocol === 'file:' ? url.protocol === 'file:' && url.pathname === expected.pathname : url.origin === expected.origin;
    } catch {
      return false;
    }
  };
}

export function createMainWindow(options: { outDir: string; devServerUrl?: string }): BrowserWindow {
  const entry = rendererEntry(options.outDir, options.devServerUrl);
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1100,
    minHeight: 700,
    show: false,
    title: 'Foundry',
    webPreferences: WEB_PREFERENCES(join(options.outDir, 'preload', 'index.js')),
  });

  win.webContents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== entry) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(entry);
  return win;
}
