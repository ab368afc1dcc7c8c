import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { FoundryError } from '../../core/errors';

/**
 * The CLI reads the user's kubeconfig itself, with the user's own file permissions, and inlines the
 * files it refers to (CA, client certificate and key, token file), as `kubectl config view --flatten`
 * does, so the core only ever receives self-contained text. Everything stays in memory.
 */

const FILE_FIELDS: { section: 'clusters' | 'users'; inner: 'cluster' | 'user'; file: string; data: string; base64: boolean }[] = [
  { section: 'clusters', inner: 'cluster', file: 'certificate-authority', data: 'certificate-authority-data', base64: true },
  { section: 'users', inner: 'user', file: 'client-certificate', data: 'client-certificate-data', base64: true },
  { section: 'users', inner: 'user', file: 'client-key', data: 'client-key-data', base64: true },
  { section: 'users', inner: 'user', file: 'token-file', data: 'token', base64: false },
];

function readOrExplain(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new FoundryError({
      code: 'INVALID_INPUT',
      message: `Cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : code === 'EACCES' ? ': permission denied' : ''}.`,
      hint: code === 'ENOENT' ? 'Check the path.' : 'Check the file and its permissions.',
    });
  }
}

/** The kubeconfig at `path` with every referenced file inlined, as text for clusters:import. */
export function readKubeconfigFile(path: string): string {
  const text = readOrExplain(path, 'the kubeconfig').toString('utf8');
  let doc: Record<string, unknown>;
  try {
    doc = loadYaml<Record<string, unknown>>(text);
  } catch {
    // Let the core explain YAML errors (with line numbers and without echoing the text).
    return text;
  }
  if (!doc || typeof doc !== 'object') return text;
  const base = dirname(resolve(path));
  let changed = false;
  for (const f of FILE_FIELDS) {
    const list = Array.isArray(doc[f.section]) ? (doc[f.section] as Record<string, Record<string, unknown> | undefined>[]) : [];
    for (const entry of list) {
      const body = entry?.[f.inner];
      if (!body || typeof body[f.file] !== 'string') continue;
      const ref = body[f.file] as string;
      const bytes = readOrExplain(isAbsolute(ref) ? ref : resolve(base, ref), `${f.file} of the kubeconfig,`);
      body[f.data] = f.base64 ? bytes.toString('base64') : bytes.toString('utf8').trim();
      delete body[f.file];
      changed = true;
    }
  }
  return changed ? JSON.stringify(doc) : text;
}
