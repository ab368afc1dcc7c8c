/**
 * Hot reload from a mounted ConfigMap. Kubernetes updates a ConfigMap volume by swapping a
 * `..data` symlink, which fs.watch reports unreliably, so this polls the file's content hash on a
 * short interval: cheap (one small read) and correct for both a plain file and a ConfigMap mount.
 * `path` may be a file or a directory holding config.toml.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGatewayConfig } from './parse';
import type { GatewayConfig } from './schema';

export type ApplyResult = { ok: true } | { ok: false; errors: string[] };

export interface WatchOptions {
  path: string;
  intervalMs?: number;
  /** Applies a validated config; returns errors when the runtime could not be built. */
  apply: (config: GatewayConfig) => Promise<ApplyResult>;
  /** Told about every reload attempt (log it). */
  onResult?: (r: ApplyResult & { hash: string }) => void;
}

export async function resolveConfigFile(path: string): Promise<string> {
  const s = await stat(path);
  return s.isDirectory() ? join(path, 'config.toml') : path;
}

export type LoadResult = { ok: true; config: GatewayConfig; hash: string } | { ok: false; errors: string[]; hash: string };

export async function loadConfigFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(await resolveConfigFile(path), 'utf8');
  } catch (err) {
    return { ok: false, errors: [`(file): cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`], hash: '' };
  }
  const hash = createHash('sha256').update(text).digest('hex');
  const r = parseGatewayConfig(text);
  return r.ok ? { ok: true, config: r.value, hash } : { ok: false, errors: r.errors, hash };
}

/**
 * Starts watching; the first poll compares against `initialHash`. Returns a stop function.
 *
 * A config that parses but cannot be applied (most often: it names a key file from the Secret, and the
 * kubelet, which refreshes the ConfigMap and Secret volumes separately, has not written that file yet)
 * is retried every `retryMs` until it applies or the file changes again. The failure is reported once
 * and the success when it comes; a file that does not parse is reported once and not retried.
 */
export function watchConfig(o: WatchOptions & { retryMs?: number }, initialHash: string): () => void {
  let last = initialHash;
  let busy = false;
  let retryAt: number | null = null;
  const retryMs = o.retryMs ?? 5_000;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const loaded = await loadConfigFile(o.path);
      if (!loaded.hash) return;
      const changed = loaded.hash !== last;
      if (!changed && (retryAt === null || Date.now() < retryAt)) return;
      // Remember the hash even when it fails, so a bad file is reported once, not every tick.
      last = loaded.hash;
      const retrying = !changed;
      const r = loaded.ok ? await o.apply(loaded.config) : { ok: false as const, errors: loaded.errors };
      retryAt = !r.ok && loaded.ok ? Date.now() + retryMs : null;
      if (!(retrying && !r.ok)) o.onResult?.({ ...r, hash: loaded.hash });
    } finally {
      busy = false;
    }
  }, o.intervalMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}
