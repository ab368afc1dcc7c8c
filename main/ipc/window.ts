import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, WEB_PREFERENCES, rendererEntry } from './security';

/**
 * The main window, locked down: navigation and new windows blocked (https links open in the
 * user's browser instead), the CSP header on every response.
 */
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
