import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, dirname } from 'node:path';

/**
 * The layer rules from STYLE.md, checked on every run so they cannot rot:
 * main/core imports no electron and no renderer; the renderer imports no node built-ins, no
 * electron, and from main only types (plus the two pure-data contract files); preload imports only
 * electron and the contract; gateway/, agent/ and optimizer/ import neither main/ nor renderer/.
 * Do not relax these rules: fix the import instead.
 */
const root = resolve(__dirname, '../..');
const CONTRACT = ['main/core/channel-names.ts', 'main/core/transport.ts'];
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(abs);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(abs, name);
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(join(dir, name)));
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(join(dir, name));
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
  /** Repo-relative target for relative imports. */
  target: string | null;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Import[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5]!;
    const typeOnly = Boolean(m[2]);
    const target = spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)) : null;
    found.push({ spec, typeOnly, target });
  }
  return found;
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const under = (target: string | null, dir: string) => target !== null && (target === dir || target.startsWith(`${dir}/`));
const isContract = (target: string | null) => target !== null && CONTRACT.some((c) => c.replace(/\.ts$/, '') === target.replace(/\.ts$/, ''));

function violations(dir: string, rule: (imp: Import, file: string) => string | null, includeTests = false): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(dir)) {
    if (!includeTests && isTest(file)) continue;
    for (const imp of importsOf(file)) {
      const why = rule(imp, file);
      if (why) out.push(`${file}: ${imp.spec} (${why})`);
    }
  }
  return out;
}

describe('layer rules', () => {
  it('main/core imports no electron and nothing from the renderer, preload or other edges', () => {
    expect(
      violations('main/core', (imp) => {
        if (imp.spec === 'electron' || imp.spec.startsWith('electron/')) return 'electron in core';
        if (under(imp.target, 'renderer') || under(imp.target, 'preload')) return 'UI code in core';
        if (under(imp.target, 'main/ipc') || under(imp.target, 'main/web') || under(imp.target, 'main/cli')) return 'an edge imported by the core';
        return null;
      }, true),
    ).toEqual([]);
  });

  it('the renderer imports no node built-ins, no electron, and from main only types and the contract', () => {
    expect(
      violations('renderer', (imp) => {
        if (NODE_BUILTINS.has(imp.spec)) return 'node built-in';
        if (imp.spec === 'electron') return 'electron';
        if (imp.target && !under(imp.target, 'renderer') && !imp.typeOnly && !isContract(imp.target)) return 'value import from outside the renderer';
        return null;
      }),
    ).toEqual([]);
  });

  it('preload imports only electron and the contract', () => {
    expect(
      violations('preload', (imp) => {
        if (imp.spec === 'electron' || imp.typeOnly || isContract(imp.target)) return null;
        return 'preload may import only electron and the channel contract';
      }),
    ).toEqual([]);
  });

  it('gateway, agent and optimizer import neither main nor renderer', () => {
    for (const dir of ['gateway', 'agent', 'optimizer']) {
      expect(
        violations(dir, (imp) => (under(imp.target, 'main') || under(imp.target, 'renderer') ? 'crosses into the app' : null), true),
      ).toEqual([]);
    }
  });

  it('finds the imports it checks (the checker itself works)', () => {
    const imports = importsOf('main/index.ts').map((i) => i.spec);
    expect(imports).toContain('electron');
    expect(importsOf('preload/index.ts').some((i) => isContract(i.target))).toBe(true);
  });
});
