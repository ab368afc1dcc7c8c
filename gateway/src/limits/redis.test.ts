import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey } from '../../test-support/harness';

// Needs a real redis-server (Debian: apt-get install redis-server). Skipped without it, except in CI.
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis && process.env.CI === 'true') throw new Error('redis-server is required in CI for the shared-limits test');

const root = resolve(__dirname, '../../..');
const procs: ChildProcess[] = [];
let sim: Simulator;
let urls: string[] = [];
const rpm = apiKey('k-rpm', 'p1', { requests_per_minute: 10 });
const budget = apiKey('k-budget', 'p2', { monthly_token_budget: 33 });

function waitFor(child: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((res, rej) => {
    let buf = '';
    const on = (d: Buffer) => {
      buf += d;
      const m = re.exec(buf);
      if (m) {
        child.stdout!.off('data', on);
        res(m);
      }
    };
    child.stdout!.on('data', on);
    child.once('exit', (c) => rej(new Error(`${what} exited ${c}: ${buf}`)));
    setTimeout(() => rej(new Error(`${what} did not start: ${buf}`)), 20_000);
  });
}

describe.skipIf(!haveRedis)('limits shared across replicas through Redis', () => {
  beforeAll(async () => {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(redis);
    await waitFor(redis, /Ready to accept connections/, 'redis-server');
    sim = await startSimulator({ model: 'm', zeroDelay: true });
    const dir = mkdtempSync(join(tmpdir(), 'fdy-redis-'));
    const entry = (k: typeof rpm) => `[[auth.api_keys]]\nid = "${k.entry.id}"\nproject = "${k.entry.project}"\nhash = "${k.entry.hash}"\n` + Object.entries(k.entry).filter(([n]) => n.includes('_')).map(([n, v]) => `${n} = ${v}\n`).join('');
    writeFileSync(join(dir, 'config.toml'), `[server]\nhost = "127.0.0.1"\nport = 0\naccess_log = false\n[limits]\nbackend = "redis"\nredis_url_env = "REDIS_URL"\nkey_prefix = "t${port}"\n${entry(rpm)}${entry(budget)}[providers.sim]\nkind = "openai_compatible"\nbase_url = "${sim.url}/v1"\n[models.m]\n[[models.m.targets]]\nprovider = "sim"\n`);
    for (let i = 0; i < 2; i++) {
      const gw = spawn(process.execPath, ['--import', 'tsx', join(root, 'gateway/src/main.ts'), '--config', dir], { cwd: root, env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      procs.push(gw);
      urls.push((await waitFor(gw, /"address":"([^"]+)"/, 'gateway'))[1]!);
    }
  }, 60_000);

  afterAll(async () => {
    for (const p of procs.reverse()) p.kill('SIGTERM');
    await sim?.close();
  });

  const chat = (url: string, key: string) =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'four' }], max_tokens: 10 }) }).then(async (r) => {
      await r.text();
      return r.status;
    });

  it('admits exactly the per-minute request limit across two gateway processes', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => chat(urls[i % 2]!, rpm.key)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('settles a monthly budget once across replicas', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await chat(urls[i % 2]!, budget.key));
    // 11 tokens a call against 33: three calls fit, the fourth finds the budget spent on either replica.
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  });
});
