import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The renderer runs sandboxed: it may import no node built-ins, no electron, and from main/ only
 * types — plus the two pure-data modules the client needs at run time. Checked here so it cannot rot.
 */

const ROOT = resolve(__dirname, '..');
const VALUE_IMPORTS_FROM_MAIN = new Set(['main/core/channel-names.ts', 'main/core/transport.ts']);
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(IMPORT)) found.push({ file, spec: m[2]!, typeOnly: !!m[1] });
  for (const m of text.matchAll(DYNAMIC)) found.push({ file, spec: m[1]!, typeOnly: false });
  return found;
}

const mainTarget = (imp: Import) => {
  if (!imp.spec.startsWith('.')) return null;
  const target = relative(ROOT, resolve(dirname(imp.file), imp.spec));
  return target.startsWith('main/') ? `${target.replace(/\.tsx?$/, '')}.ts` : null;
};

const all = sources(__dirname).flatMap(importsOf);
const show = (imps: Import[]) => imps.map((i) => `${relative(ROOT, i.file)}: ${i.spec}`);

describe('renderer layer rules', () => {
  it('finds the renderer sources it checks', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('imports no node built-ins and no electron', () => {
    expect(show(all.filter((i) => NODE.has(i.spec) || i.spec === 'electron' || i.spec.startsWith('electron/')))).toEqual([]);
  });

  it('imports only types from main/, except the two pure-data modules', () => {
    const bad = all.filter((i) => {
      const target = mainTarget(i);
      return target !== null && !i.typeOnly && !VALUE_IMPORTS_FROM_MAIN.has(target);
    });
    expect(show(bad)).toEqual([]);
  });

  it('never reaches zod, the core or the database at run time', () => {
    expect(show(all.filter((i) => !i.typeOnly && /^(zod|better-sqlite3|keytar|node-forge|fastify)/.test(i.spec)))).toEqual([]);
  });
});
