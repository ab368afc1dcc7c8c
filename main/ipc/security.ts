import type { WebPreferences } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The desktop window's security settings, free of electron values so they can be tested directly:
 * isolated, sandboxed renderer without Node, a strict CSP, and which frames may call the core.
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

