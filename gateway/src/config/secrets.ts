/**
 * Secrets come from mounted files (Kubernetes Secret volumes) or env vars, read at (re)load time.
 * Errors are values with the config path, so a missing Secret rejects the reload cleanly.
 */
import { readFileSync } from 'node:fs';

export interface SecretSource {
  env: Record<string, string | undefined>;
  readFile(path: string): string;
}

export const processSecrets: SecretSource = { env: process.env, readFile: (p) => readFileSync(p, 'utf8') };

export type SecretResult = { ok: true; value: string | undefined } | { ok: false; error: string };

/** `where` is the config path of the owning table, e.g. `providers.openai`. */
export function readSecret(src: SecretSource, where: string, ref: { file?: string; env?: string; name: string }): SecretResult {
  if (ref.file) {
    try {
      const v = src.readFile(ref.file).trim();
      if (!v) return { ok: false, error: `${where}.${ref.name}_file: ${ref.file} is empty` };
      return { ok: true, value: v };
    } catch {
      return { ok: false, error: `${where}.${ref.name}_file: cannot read ${ref.file}` };
    }
  }
  if (ref.env) {
    const v = src.env[ref.env];
    if (!v) return { ok: false, error: `${where}.${ref.name}_env: environment variable ${ref.env} is not set` };
    return { ok: true, value: v.trim() };
  }
  return { ok: true, value: undefined };
}
