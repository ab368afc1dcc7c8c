// `npm test`: typecheck, build, unit + integration tests (Vitest), then browser scenarios (Playwright).
// On Linux without a session D-Bus it re-runs itself inside one with a fresh, unlocked GNOME Keyring,
// so the vault is tested against a real Secret Service keychain, never a fake.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureBuilt, mustRun, root } from './lib.mjs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.FOUNDRY_TEST_WRAPPED && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const keyring = mkdtempSync(join(tmpdir(), 'foundry-keyring-'));
  const inner = `echo -n foundry-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "${process.execPath}" scripts/test.mjs ${process.argv.slice(2).join(' ')}`;
  const status = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, XDG_DATA_HOME: keyring, FOUNDRY_TEST_WRAPPED: '1' },
  }).status;
  rmSync(keyring, { recursive: true, force: true });
  process.exit(status ?? 1);
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const bin = (name) => join(root, 'node_modules/.bin', name);

if (!only || only === 'typecheck') mustRun(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
ensureBuilt({ force: process.env.CI === 'true' });
if (!only || only === 'unit') mustRun(bin('vitest'), ['run']);
if (!only || only === 'go') {
  // The kube sandbox's own Go tests (node simulator, proxy dialer). CGO off reuses build.sh's build cache.
  const go = ['go', '/usr/local/go/bin/go'].find((g) => spawnSync(g, ['version'], { stdio: 'ignore' }).status === 0);
  if (go) mustRun(go, ['test', './...'], { cwd: join(root, 'e2e/sandbox'), env: { ...process.env, CGO_ENABLED: '0' } });
  else if (process.env.CI === 'true') {
    console.error('Go is required in CI for the kube sandbox tests.');
    process.exit(1);
  } else console.warn('Skipping the kube sandbox Go tests: no Go toolchain.');
}
if (!only || only === 'e2e') {
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    if (process.env.CI === 'true') {
      console.error('Chromium is required in CI for the browser scenarios (apt-get install chromium).');
      process.exit(1);
    }
    console.warn('Skipping browser scenarios: /usr/bin/chromium is missing (apt-get install chromium).');
  } else {
    mustRun(bin('playwright'), ['test']);
  }
}
