import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts browser mode exactly as a user would (`node out/web/index.js`) on an empty FOUNDRY_HOME,
 * waits for the printed URL, and hands it to the specs through FOUNDRY_WEB_URL. The time from
 * spawn to the URL is kept for the cold-start measurement.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const home = mkdtempSync(join(tmpdir(), 'foundry-e2e-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['out/web/index.js'], {
    env: { ...process.env, FOUNDRY_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not print its URL in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${output}`)));
  });
  process.env.FOUNDRY_WEB_URL = url;
  process.env.FOUNDRY_E2E_HOME = home;
  process.env.FOUNDRY_SERVER_READY_MS = String(Math.round(performance.now() - started));
  process.env.FOUNDRY_SERVER_SPAWNED_AT = String(Date.now() - Math.round(performance.now() - started));
  mkdirSync('e2e/artifacts', { recursive: true });
  writeFileSync('e2e/artifacts/server.log', output);

  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  };
}
