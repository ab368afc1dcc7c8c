import { app, ipcMain } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from './core/core';
import { foundryHome } from './core/paths';
import { toFoundryError } from './core/errors';
import { registerIpc } from './ipc/bridge';
import { createMainWindow } from './ipc/window';
import { isTrustedRendererUrl, rendererEntry } from './ipc/security';

/** Electron's composition root: lifecycle and wiring only; everything else lives in main/core. */
export function startDesktop(): void {
  const outDir = join(__dirname, '..');
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  let core: Core | undefined;
  let unregister: (() => void) | undefined;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  app.whenReady().then(() => {
    process.env.FOUNDRY_HOME ??= app.getPath('userData');
    try {
      core = createCore({ home: foundryHome() });
    } catch (err) {
      const e = toFoundryError(err);
      console.error(`Foundry cannot start: ${e.message}${e.hint ? `\n${e.hint}` : ''}`);
      app.exit(1);
      return;
    }
    unregister = registerIpc(ipcMain, core, isTrustedRendererUrl(rendererEntry(outDir, devServerUrl)));
    createMainWindow({ outDir, devServerUrl });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const closing = core;
    core = undefined;
    unregister?.();
    void closing.close().finally(() => app.quit());
  });
}

startDesktop();
