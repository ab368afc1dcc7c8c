import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A browser-mode server of its own on a fresh FOUNDRY_HOME, for scenarios that must not share the
 * data folder of playwright.config.ts's global server (first-run.spec.ts expects that one untouched,
 * and Playwright runs spec files in name order).
 */
export interface BrowserMode {
  url: string;
  home: string;
  stop(): Promise<void>;
}

export async function startBrowserMode(): Promise<BrowserMode> {
  const home = mkdtempSync(join(tmpdir(), 'foundry-e2e-clusters-'));
  const child: ChildProcess = spawn(process.execPath, ['out/web/index.js'], { env: { ...process.env, FOUNDRY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${output}`)));
  });
  return {
    url,
    home,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
