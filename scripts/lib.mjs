// Helpers shared by the npm scripts (plain Node, no dependencies: they run before `npm ci` too).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function mustRun(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${status})`);
    process.exit(status);
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds out/ (Electron main, preload, renderer, and the Node bundles) when any source is newer. */
export function ensureBuilt({ force = false } = {}) {
  const outputs = ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/web/index.js', 'out/cli/index.js'].map((p) => join(root, p));
  const builtAt = Math.min(...outputs.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  const sourcesAt = Math.max(...['main', 'preload', 'renderer', 'package.json', 'electron.vite.config.ts'].map((p) => {
    const path = join(root, p);
    return existsSync(path) && statSync(path).isFile() ? statSync(path).mtimeMs : newestMtime(path);
  }));
  if (!force && builtAt > sourcesAt) return;
  console.log('Building Foundry…');
  mustRun(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);
  mustRun(process.execPath, [join(root, 'scripts/build-cli.mjs')]);
}

/** Electron 45 installs without its binary and downloads it on first use; offline that cannot work. */
export function electronBinary() {
  const pkg = join(root, 'node_modules/electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = join(pkg, 'dist', spawnSync('cat', [pathTxt], { encoding: 'utf8' }).stdout.trim());
  return existsSync(binary) ? binary : null;
}
