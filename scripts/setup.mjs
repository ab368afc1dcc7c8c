// `npm run setup`: installs dependencies on a fresh machine. Native addons (better-sqlite3, keytar)
// build against the local Node's headers, so nothing is downloaded from outside the npm registry.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { mustRun, root } from './lib.mjs';

const nodedir = dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
  console.warn(`Node's headers were not found under ${nodedir}/include/node; native addons will try to download them.`);
}
if (process.platform === 'linux' && spawnSync('sh', ['-c', 'pkg-config --exists libsecret-1'], { stdio: 'ignore' }).status !== 0) {
  console.warn(
    'libsecret-1-dev is missing: Foundry will install without OS keychain support and cannot store secrets until it is added\n' +
      '  (Debian/Ubuntu: sudo apt-get install libsecret-1-dev gnome-keyring; then npm run setup again).',
  );
}
const env = { ...process.env, npm_config_nodedir: nodedir };
mustRun('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund'], { env });
console.log('\nFoundry is installed. Start it with `npm start`; run the tests with `npm test`.');
