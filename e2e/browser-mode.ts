import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Browser mode started exactly as a user would (`node out/web/index.js`) on a fresh FOUNDRY_HOME,
 * ready once it prints its URL. The global setup starts the shared one; scenarios that must not share
 * its data folder (first-run.spec.ts expects it untouched, and Playwright runs spec files in name
 * order) start their own.
 */
export interface BrowserMode {
  url: string;
  home: string;
  /** Everything the server printed up to its URL. */
  output: string;
  /** Milliseconds from spawn to the printed URL. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function startBrowserMode(prefix = 'foundry-e2e-'): Promise<BrowserMode> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const started = performance.now();
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
  const readyMs = Math.round(performance.now() - started);
  return {
    url,
    home,
    output,
    readyMs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
