import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/fixtures/vllm-sim';
import { apiKey } from '../test-support/harness';

const root = resolve(__dirname, '../..');
let sim: Simulator | undefined;
afterAll(async () => sim?.close());

describe('gateway bundle', () => {
  it('builds into one file that plain node runs, serves traffic and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-bundle-'));
    const outfile = join(dir, 'gateway.js');
    execFileSync(process.execPath, [join(root, 'gateway/scripts/build.mjs')], { env: { ...process.env, GATEWAY_OUTFILE: outfile }, stdio: 'pipe' });
    expect(statSync(`${outfile}.gz`).size).toBeLessThan(760 * 1024);
    sim = await startSimulator({ model: 'm', zeroDelay: true });
    const key = apiKey('k1', 'p1');
    writeFileSync(join(dir, 'config.toml'), `[server]\nhost = "127.0.0.1"\nport = 0\naccess_log = false\n[[auth.api_keys]]\nid = "k1"\nproject = "p1"\nhash = "${key.entry.hash}"\n[providers.sim]\nkind = "openai_compatible"\nbase_url = "${sim.url}/v1"\n[models.m]\n[[models.m.targets]]\nprovider = "sim"\n`);
    // Run from a directory without node_modules: the bundle must need nothing but node.
    const child = spawn(process.execPath, [outfile, '--config', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const address = await new Promise<string>((res, rej) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        const m = /"address":"([^"]+)"/.exec(buf);
        if (m) res(m[1]!);
      });
      child.on('exit', (code) => rej(new Error(`exited ${code}: ${buf}`)));
      setTimeout(() => rej(new Error(`no address: ${buf}`)), 10_000);
    });
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    const r = await fetch(`${address}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((res) => child.on('exit', res));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
