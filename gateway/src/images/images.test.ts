import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { renderPng } from '../../../e2e/fixtures/vllm-sim/images';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { signImagePath } from './signed-url';
import { VolumeStore } from './volume-store';

const SIGNING_KEY = 'k'.repeat(48);
const key = apiKey('k-img', 'team-img');
const dir = mkdtempSync(join(tmpdir(), 'fdy-images-'));
let sim: Simulator;
let gw: Running;
let bare: Running;

const expected = (prompt: string, i: number, size = 64) => renderPng(`sim-model\u0000${prompt}\u0000${i}\u0000`, size, size);
const client = (g: Running) => new OpenAI({ apiKey: key.key, baseURL: `${g.url}/v1`, maxRetries: 0 });
const base = (extra: object = {}) => ({
  auth: { api_keys: [key.entry] },
  providers: { sim: { kind: 'openai_compatible' as const, base_url: `${sim.url}/v1` } },
  models: { img: { targets: [{ provider: 'sim', model: 'sim-model' }] } },
  ...extra,
});

beforeAll(async () => {
  sim = await startSimulator({ model: 'sim-model', zeroDelay: true });
  gw = await listenGateway(base({ object_store: { kind: 'volume', path: dir, url_ttl_s: 600, url_signing_key_file: '/s/url-key' } }), secretsFrom({ '/s/url-key': SIGNING_KEY }));
  bare = await listenGateway(base());
});
afterAll(async () => {
  await gw.close();
  await bare.close();
  await sim.close();
});

describe('/v1/images/generations with a volume store', () => {
  it('stores the runtime images and answers with signed URLs the gateway serves (official openai client)', async () => {
    const before = Date.now() / 1000;
    const r = await client(gw).images.generate({ model: 'img', prompt: 'a red fox', n: 2, size: '64x64' as never });
    expect(r.data).toHaveLength(2);
    expect(r.data![0]!.b64_json).toBeUndefined();
    expect(r.data![0]!.revised_prompt).toBe('a red fox');
    // The runtime is always asked for b64_json, whatever the client wanted.
    expect((sim.requests.at(-1)!.body as { response_format: string }).response_format).toBe('b64_json');
    for (const [i, d] of r.data!.entries()) {
      const url = new URL(d.url!);
      expect(url.origin).toBe(gw.url);
      expect(url.pathname).toMatch(/^\/files\/images\/[A-Za-z0-9_-]{24}\.png$/);
      const expires = Number(url.searchParams.get('expires'));
      expect(expires).toBeGreaterThanOrEqual(Math.floor(before) + 600);
      expect(expires).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
      const img = await fetch(d.url!);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(img.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Number(/max-age=(\d+)/.exec(img.headers.get('cache-control')!)![1])).toBeLessThanOrEqual(600);
      expect(Buffer.from(await img.arrayBuffer()).equals(expected('a red fox', i))).toBe(true);
    }
    expect(readdirSync(join(dir, 'images')).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  });

  it('returns b64_json inline when asked, storing nothing', async () => {
    const stored = readdirSync(join(dir, 'images')).length;
    const r = await client(gw).images.generate({ model: 'img', prompt: 'inline please', size: '64x64' as never, response_format: 'b64_json' });
    expect(Buffer.from(r.data![0]!.b64_json!, 'base64').equals(expected('inline please', 0))).toBe(true);
    expect(r.data![0]!.url).toBeUndefined();
    expect(readdirSync(join(dir, 'images')).length).toBe(stored);
  });

  it('answers 403 with a clear reason for tampered, incomplete and expired URLs', async () => {
    const r = await client(gw).images.generate({ model: 'img', prompt: 'guarded', size: '64x64' as never });
    const good = new URL(r.data![0]!.url!);
    const variant = (edit: (u: URL) => void) => {
      const u = new URL(good);
      edit(u);
      return fetch(u);
    };
    const sig = good.searchParams.get('signature')!;
    const cases: [string, (u: URL) => void, string][] = [
      ['signature altered', (u) => u.searchParams.set('signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)), 'signed_url_invalid'],
      ['expiry pushed later', (u) => u.searchParams.set('expires', String(Number(good.searchParams.get('expires')) + 3600)), 'signed_url_invalid'],
      // Names are base64url: the last character may be '-' or '_', so any character is swapped for another.
      ['another image name', (u) => (u.pathname = u.pathname.replace(/.\.png$/, (m) => (m[0] === 'a' ? 'b' : 'a') + '.png')), 'signed_url_invalid'],
      ['signature missing', (u) => u.searchParams.delete('signature'), 'signed_url_invalid'],
      ['expires not a number', (u) => u.searchParams.set('expires', '1e99'), 'signed_url_invalid'],
    ];
    for (const [what, edit, code] of cases) {
      const res = await variant(edit);
      expect(res.status, what).toBe(403);
      expect((await res.json()).error.code, what).toBe(code);
    }
    // Correctly signed but in the past: expired, and the message says so.
    const name = good.pathname.split('/').at(-1)!;
    const past = Math.floor(Date.now() / 1000) - 5;
    const expired = await fetch(`${gw.url}${signImagePath(Buffer.from(SIGNING_KEY), name, past)}`);
    expect(expired.status).toBe(403);
    const body = await expired.json();
    expect(body.error.code).toBe('signed_url_expired');
    expect(body.error.message).toContain('expired at');
    expect((await fetch(good)).status).toBe(200);
    // A valid signature for an image that is not (or no longer) in the store is a 404.
    const gone = await fetch(`${gw.url}${signImagePath(Buffer.from(SIGNING_KEY), 'AAAAAAAAAAAAAAAAAAAAAAAA.png', past + 600)}`);
    expect(gone.status).toBe(404);
  });

  it('uses public_base_url for the URLs when configured, and rejects a Host header that is not a host', async () => {
    const config = gw.gateway.runtime().config;
    expect(await gw.gateway.reload({ ...config, object_store: { ...config.object_store!, public_base_url: 'https://img.example.test' } })).toEqual({ ok: true });
    const r = await client(gw).images.generate({ model: 'img', prompt: 'public', size: '64x64' as never });
    expect(r.data![0]!.url!.startsWith('https://img.example.test/files/images/')).toBe(true);
    expect(await gw.gateway.reload(config)).toEqual({ ok: true });
    const { request } = await import('undici');
    const res = await request(`${gw.url}/v1/images/generations`, { method: 'POST', headers: { host: 'evil.example/<x>', authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'img', prompt: 'x', size: '64x64' }) });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { error: { message: string } }).error.message).toContain('Host header');
  });

  it('accounts the request (usage feed with the runtime usage, metrics) like any inference call', async () => {
    await client(gw).images.generate({ model: 'img', prompt: 'count me please', size: '64x64' as never, n: 1 });
    const ev = gw.gateway.services.usage.read(0, 10_000).events.at(-1)!;
    expect(ev).toMatchObject({ project: 'team-img', model: 'img', status: 200, prompt_tokens: 4, completion_tokens: 16 });
    const metrics = await gw.gateway.services.metrics.registry.metrics();
    expect(metrics).toMatch(/foundry_gateway_requests_total\{route="\/v1\/images\/generations",model="img",project="team-img",status="200"\} \d+/);
  });

  it('passes runtime failures through the fallback chain like other routes', async () => {
    sim.setFault({ kind: 'error500', times: 5 });
    const err = await client(gw).images.generate({ model: 'img', prompt: 'fails', size: '64x64' as never }).catch((e) => e);
    sim.setFault(null);
    expect(err.status).toBe(502);
  });

  it('without an object store: b64_json by default, a clear 400 for url', async () => {
    const r = await client(bare).images.generate({ model: 'img', prompt: 'no store', size: '64x64' as never });
    expect(Buffer.from(r.data![0]!.b64_json!, 'base64').equals(expected('no store', 0))).toBe(true);
    const err = await client(bare).images.generate({ model: 'img', prompt: 'x', response_format: 'url' }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.message).toContain('no object store');
    expect((await fetch(`${bare.url}/files/images/AAAAAAAAAAAAAAAAAAAAAAAA.png?expires=1&signature=x`)).status).toBe(404);
  });

  it('answers 502 storage_error (and counts it) when the volume cannot be written', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'fdy-img-bad-')), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const broken = await listenGateway(base({ object_store: { kind: 'volume', path: blocker, url_signing_key_env: 'URL_KEY' } }), secretsFrom({}, { URL_KEY: SIGNING_KEY }));
    try {
      const err = await client(broken).images.generate({ model: 'img', prompt: 'x', size: '64x64' as never }).catch((e) => e);
      expect(err.status).toBe(502);
      expect(err.error.code).toBe('storage_error');
      expect(err.error.message).toContain('ENOTDIR');
      expect(await broken.gateway.services.metrics.registry.metrics()).toMatch(/foundry_gateway_errors_total\{code="storage_error"\} 1/);
    } finally {
      await broken.close();
    }
  });

  it('is in /openapi.json', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    expect(doc.paths['/v1/images/generations'].post.operationId).toBe('createImage');
    expect(doc.paths['/v1/images/generations'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/files/images/{name}'].get.responses['200'].content['image/png']).toBeDefined();
    expect(doc.paths['/files/images/{name}'].get.security).toBeUndefined();
  });
});

describe('object store config', () => {
  it('rejects a store without a signing key, a short key, and an s3 store without credentials', async () => {
    const { validateGatewayConfig } = await import('../config');
    const v = validateGatewayConfig(base({ object_store: { kind: 's3', endpoint: 'http://s3.local:9000', bucket: 'b1x' } }));
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.errors.join('\n')).toContain('object_store: needs url_signing_key_file or url_signing_key_env');
      expect(v.errors.join('\n')).toContain('needs access_key_id_file or access_key_id_env');
    }
    const inline = validateGatewayConfig(base({ object_store: { kind: 'volume', path: '/x', secret_access_key: 'oops', url_signing_key_env: 'K' } }));
    expect(inline.ok).toBe(false);
    if (!inline.ok) expect(inline.errors[0]).toContain('inline secrets are not allowed');
    await expect(listenGateway(base({ object_store: { kind: 'volume', path: dir, url_signing_key_env: 'K' } }), secretsFrom({}, { K: 'short' }))).rejects.toThrow(/at least 32 bytes/);
  });
});

describe('volume expiry sweep', () => {
  it('deletes images older than the URL lifetime and keeps newer ones', async () => {
    const d = mkdtempSync(join(tmpdir(), 'fdy-sweep-'));
    const store = new VolumeStore(d, 'images/', 60_000);
    await store.put('old-image-aaaaaaaaaaaa.png', Buffer.from('old'));
    await store.put('new-image-aaaaaaaaaaaa.png', Buffer.from('new'));
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(d, 'images', 'old-image-aaaaaaaaaaaa.png'), old, old);
    expect(await store.sweep(Date.now())).toBe(1);
    expect(readdirSync(join(d, 'images'))).toEqual(['new-image-aaaaaaaaaaaa.png']);
    store.close();
  });
});
