import { mkdtempSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { createGateway, type Gateway } from '../app';
import { apiKey, secretsFrom, sse } from '../../test-support/harness';
import { loadConfigFile, watchConfig } from './watch';

const key = apiKey('k1', 'p1');
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function toml(simUrl: string, models: string[], weight = 1, adminToken = true): string {
  return [
    '[server]',
    'host = "127.0.0.1"',
    'port = 0',
    'access_log = false',
    adminToken ? 'admin_token_env = "ADMIN"' : '',
    '[[auth.api_keys]]',
    `id = "k1"\nproject = "p1"\nhash = "${key.entry.hash}"`,
    '[providers.sim]',
    `kind = "openai_compatible"\nbase_url = "${simUrl}/v1"`,
    ...models.map((m) => `[models.${m}]\n[[models.${m}.targets]]\nprovider = "sim"\nmodel = "m"\nweight = ${weight}`),
  ].join('\n');
}

/** Writes like a ConfigMap update: a new file renamed into place, never a half-written file. */
function writeAtomic(dir: string, text: string) {
  const tmp = join(dir, `.tmp-${Math.random()}`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, 'config.toml'));
}

async function start(dir: string): Promise<{ gw: Gateway; url: string; sim: Simulator; hash: string }> {
  const sim = await startSimulator({ model: 'm', zeroDelay: true });
  writeAtomic(dir, toml(sim.url, ['a']));
  const loaded = await loadConfigFile(dir);
  if (!loaded.ok) throw new Error(loaded.errors.join());
  const r = await createGateway({ config: loaded.config, secrets: secretsFrom({}, { ADMIN: 'admin-secret' }), accessLog: false });
  if (!r.ok) throw new Error(r.errors.join());
  const url = await r.gateway.listen();
  cleanup.push(() => sim.close());
  cleanup.push(() => r.gateway.close());
  return { gw: r.gateway, url, sim, hash: loaded.hash };
}

const models = async (url: string) => ((await (await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key.key}` } })).json()) as { data: { id: string }[] }).data.map((d) => d.id).sort();
const until = async (check: () => Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

describe('config hot reload', () => {
  it('picks up a changed ConfigMap file and rejects a bad one while the old config keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    const { gw, url, sim, hash } = await start(dir);
    const results: { ok: boolean; errors?: string[] }[] = [];
    cleanup.push(watchConfig({ path: dir, intervalMs: 30, apply: (c) => gw.reload(c), onResult: (r) => results.push(r) }, hash));
    expect(await models(url)).toEqual(['a']);
    writeAtomic(dir, toml(sim.url, ['a', 'b']));
    expect(await until(async () => (await models(url)).length === 2)).toBe(true);

    writeAtomic(dir, toml(sim.url, ['a', 'c'], 0));
    expect(await until(async () => results.length === 2)).toBe(true);
    expect(results[1]).toEqual(expect.objectContaining({ ok: false, errors: ['models.a.targets[0].weight: must be > 0', 'models.c.targets[0].weight: must be > 0'] }));
    expect(await models(url)).toEqual(['a', 'b']);
    const state = await (await fetch(`${url}/admin/state`, { headers: { authorization: 'Bearer admin-secret' } })).json();
    expect(state.last_reload.ok).toBe(true);
    expect((await fetch(`${url}/admin/state`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await fetch(`${url}/admin/state`, { headers: { 'x-foundry-admin-token': 'admin-secret' } })).status).toBe(200);
    expect((await fetch(`${url}/admin/state`, { headers: { 'x-foundry-admin-token': 'wrong', authorization: 'Bearer admin-secret' } })).status).toBe(403);
  });

  it('rejects a reload whose guardrail rule can backtrack catastrophically, and keeps the old config serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    const { gw, url, sim, hash } = await start(dir);
    const results: { ok: boolean; errors?: string[] }[] = [];
    cleanup.push(watchConfig({ path: dir, intervalMs: 30, apply: (c) => gw.reload(c), onResult: (r) => results.push(r) }, hash));
    const evil = `${toml(sim.url, ['a', 'b'])}\n[projects.p1]\nguardrail = "g"\n[guardrails.g]\n[[guardrails.g.rules]]\nname = "slow"\npattern = '(a+)+$'\n`;
    writeAtomic(dir, evil);
    expect(await until(async () => results.length === 1)).toBe(true);
    expect(results[0]).toEqual(expect.objectContaining({ ok: false, errors: [expect.stringMatching(/^guardrails\.g\.rules\[0\]\.pattern: can take exponential time/)] }));
    expect(await models(url)).toEqual(['a']);
  });

  it('keeps serving when a reload names a secret that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    const { gw, sim } = await start(dir);
    const bad = await loadConfigFile(dir);
    if (!bad.ok) throw new Error('setup');
    bad.config.providers.sim!.api_key_file = '/nonexistent/key';
    const r = await gw.reload(bad.config);
    expect(r).toEqual({ ok: false, errors: ['providers.sim.api_key_file: cannot read /nonexistent/key'] });
    expect(gw.runtime().config.providers.sim!.api_key_file).toBeUndefined();
    void sim;
  });

  it('retries a config whose key file the kubelet has not written yet, and applies it once the file is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    const keyDir = mkdtempSync(join(tmpdir(), 'fdy-gw-secrets-'));
    const sim = await startSimulator({ model: 'm', zeroDelay: true });
    cleanup.push(() => sim.close());
    writeAtomic(dir, toml(sim.url, ['a']));
    const first = await loadConfigFile(dir);
    if (!first.ok) throw new Error('setup');
    const r = await createGateway({ config: first.config, secrets: { env: { ADMIN: 'x' }, readFile: (p) => readFileSync(p, 'utf8') }, accessLog: false });
    if (!r.ok) throw new Error(r.errors.join());
    const url = await r.gateway.listen();
    cleanup.push(() => r.gateway.close());
    const results: { ok: boolean; errors?: string[] }[] = [];
    cleanup.push(watchConfig({ path: dir, intervalMs: 20, retryMs: 100, apply: (c) => r.gateway.reload(c), onResult: (x) => results.push(x) }, first.hash));

    // The ConfigMap arrives first, naming a key file the Secret volume does not have yet.
    writeAtomic(dir, toml(sim.url, ['a', 'b']).replace('kind = "openai_compatible"', `kind = "openai_compatible"\napi_key_file = "${join(keyDir, 'sim.key')}"`));
    expect(await until(async () => results.length === 1)).toBe(true);
    expect(results[0]).toMatchObject({ ok: false, errors: [expect.stringContaining('cannot read')] });
    await new Promise((res) => setTimeout(res, 350));
    expect(results).toHaveLength(1); // retried quietly, reported once
    expect(await models(url)).toEqual(['a']);

    writeFileSync(join(keyDir, 'sim.key'), 'upstream-key');
    expect(await until(async () => results.length === 2)).toBe(true);
    expect(results[1]).toMatchObject({ ok: true });
    expect(await models(url)).toEqual(['a', 'b']);
  });

  it('reloads under load with zero failed requests, streams included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    const { gw, url, sim } = await start(dir);
    const failures: string[] = [];
    let done = 0;
    const stopAt = Date.now() + 1500;
    const worker = async (i: number) => {
      for (let n = 0; n < 400 && Date.now() < stopAt; n++) {
        const stream = (n + i) % 4 === 0;
        const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'x' }], max_tokens: 3, stream }) });
        const text = await res.text();
        if (res.status !== 200 || (stream && sse(text).at(-1) !== '[DONE]')) failures.push(`${res.status} ${text.slice(0, 80)}`);
        done++;
      }
    };
    const reloads = (async () => {
      for (let k = 0; k < 15 && Date.now() < stopAt; k++) {
        const loaded = await loadConfigFile(dir);
        writeAtomic(dir, toml(sim.url, ['a', `extra${k}`], 1 + (k % 3)));
        const next = await loadConfigFile(dir);
        if (next.ok && loaded.ok) expect((await gw.reload(next.config)).ok).toBe(true);
        await new Promise((r) => setTimeout(r, 60));
      }
    })();
    await Promise.all([reloads, ...Array.from({ length: 8 }, (_, i) => worker(i))]);
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThan(100);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight stream finish, then refuses new connections', async () => {
    const sim = await startSimulator({ model: 'm', latency: { ttftBaseMs: 1, tpotBaseMs: 25 } });
    cleanup.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'fdy-gw-'));
    writeAtomic(dir, toml(sim.url, ['a']));
    const loaded = await loadConfigFile(dir);
    if (!loaded.ok) throw new Error('setup');
    const r = await createGateway({ config: loaded.config, secrets: secretsFrom({}, { ADMIN: 'x' }), accessLog: false });
    if (!r.ok) throw new Error('setup');
    const url = await r.gateway.listen();
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'x' }], max_tokens: 12, stream: true }) });
    const reader = res.body!.getReader();
    let text = new TextDecoder().decode((await reader.read()).value);
    const closing = r.gateway.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await closing;
    expect(sse(text).at(-1)).toBe('[DONE]');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
