import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Cold start of browser mode, as a user meets it: from spawning `node out/web/index.js` on an empty
 * data folder to the first-run page rendered in Chromium. Written to e2e/artifacts/cold-start.json.
 */
test('browser mode starts cold and renders its first page', async ({ page }) => {
  const home = mkdtempSync(join(tmpdir(), 'foundry-cold-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['out/web/index.js'], { env: { ...process.env, FOUNDRY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /Open: (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const serverReadyMs = performance.now() - t0;
    await page.goto(url);
    await expect(page.getByTestId('setup-form')).toBeVisible({ timeout: 15_000 });
    const firstPageMs = performance.now() - t0;
    mkdirSync('e2e/artifacts', { recursive: true });
    writeFileSync('e2e/artifacts/cold-start.json', JSON.stringify({ serverReadyMs: Math.round(serverReadyMs), firstPageMs: Math.round(firstPageMs) }, null, 2));
    console.log(`cold start: server ready ${Math.round(serverReadyMs)} ms, first page rendered ${Math.round(firstPageMs)} ms`);
  } finally {
    child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
});
