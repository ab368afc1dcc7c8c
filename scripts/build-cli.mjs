// Bundles the Node entry points that run outside Electron (browser mode, CLI) into out/.
// Native addons stay external: they load from node_modules at run time.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['better-sqlite3', 'keytar', 'electron'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['main/web/main.ts'], outfile: 'out/web/index.js' }),
  build({ ...common, entryPoints: ['main/cli/main.ts'], outfile: 'out/cli/index.js' }),
]);
