import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from './server';
import { ADMIN, startTestCore, tempDir, type TestCore } from '../core/testing/harness';
import { WEB_API } from '../core/transport';

let core: TestCore;
let server: WebServer;
let renderer: ReturnType<typeof tempDir>;

beforeEach(async () => {
  core = startTestCore();
  renderer = tempDir();
  mkdirSync(renderer.path, { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Foundry</title>');
  mkdirSync(join(renderer.path, 'assets'));
  writeFileSync(join(renderer.path, 'assets', 'index-Bn5roinS.js'), 'export {};');
  server = await startWebServer({ core, rendererDir: renderer.path });
});
afterEach(async () => {
  await server.close();
  await core.dispose();
  renderer.remove();
});

const call = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.launchToken}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('browser mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token in its fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.openUrl).toBe(`${server.url}/#token=${server.launchToken}`);
    expect(server.launchToken).toMatch(/^[\w-]{43}$/);
  });

  it('answers 401 to API calls without the launch token or with a wrong one', async () => {
    const none = await fetch(`${server.url}/api/call/auth:status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'BAD_LAUNCH_TOKEN' } });
    expect((await call('auth:status', {}, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(`${server.url}/api/call/auth:status`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${server.launchToken}` } }, (res) => resolve(res.statusCode!));
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('runs channels end to end with the session header, mapping errors to HTTP status', async () => {
    const setup = await call('auth:setup', { ...ADMIN });
    expect(setup.status).toBe(200);
    const { value } = (await setup.json()) as { value: { token: string } };
    const created = await call('projects:create', { name: 'web-project' }, { [WEB_API.sessionHeader]: value.token });
    expect(created.status).toBe(200);
    const dup = await call('projects:create', { name: 'web-project' }, { [WEB_API.sessionHeader]: value.token });
    expect(dup.status).toBe(409);
    const bad = await call('projects:create', { name: 42 }, { [WEB_API.sessionHeader]: value.token });
    expect(bad.status).toBe(400);
    const anon = await call('projects:list', {});
    expect(anon.status).toBe(401);
  });

  it('answers malformed JSON and oversized bodies with a clear error, not a stack', async () => {
    const malformed = await call('auth:status', '{not json');
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    expect(JSON.parse(body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('JSON') } });
    expect(body).not.toContain('at ');
    const huge = await call('auth:status', JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(400);
    expect(await huge.json()).toMatchObject({ error: { message: expect.stringContaining('larger than') } });
  });

  it('serves the renderer without a token, and index.html for client-side routes', async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<title>Foundry</title>');
    expect(await (await fetch(`${server.url}/projects`)).text()).toContain('<title>Foundry</title>');
  });

  it('lets browsers keep content-hashed assets and revalidate index.html, so an upgrade never runs stale chunks', async () => {
    const asset = await fetch(`${server.url}/assets/index-Bn5roinS.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/projects']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('streams job events over the WebSocket to signed-in users only', async () => {
    const setup = (await (await call('auth:setup', { ...ADMIN })).json()) as { value: { token: string } };
    const refused = new WebSocket(`ws://127.0.0.1:${new URL(server.url).port}${WEB_API.eventsPath}?token=${server.launchToken}&session=bad`);
    const code = await new Promise<number>((r) => refused.on('close', (c) => r(c)));
    expect(code).toBe(4401);
    refused.terminate();

    const noToken = new WebSocket(`ws://127.0.0.1:${new URL(server.url).port}${WEB_API.eventsPath}?session=${setup.value.token}`);
    const rejected = await new Promise<string>((r) => noToken.on('unexpected-response', (_req, res) => r(String(res.statusCode))).on('error', (e) => r(e.message)));
    expect(rejected).toBe('401');
    noToken.terminate();

    const ws = new WebSocket(`ws://127.0.0.1:${new URL(server.url).port}${WEB_API.eventsPath}?token=${server.launchToken}&session=${setup.value.token}`);
    await new Promise((r) => ws.on('open', r));
    const events: { kind: string; job?: { type: string; status: string } }[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    const vault = await core.call('vault:status', {}, setup.value.token);
    if (vault.keychain.ok) {
      await core.call('vault:rotate', {}, setup.value.token);
      await expect.poll(() => events.some((e) => e.job?.type === 'vault.rotate' && e.job.status === 'succeeded'), { timeout: 15_000 }).toBe(true);
    } else {
      // Without a keychain the rotation job fails, which is still an event stream to check.
      await core.call('vault:rotate', {}, setup.value.token);
      await expect.poll(() => events.some((e) => e.job?.type === 'vault.rotate' && e.job.status === 'failed'), { timeout: 15_000 }).toBe(true);
    }
    ws.terminate();
  });

  it('sends a Playground answer over the WebSocket of the session that asked, and no other', async () => {
    const mine = ((await (await call('auth:setup', { ...ADMIN })).json()) as { value: { token: string } }).value.token;
    const other = (await core.call('auth:signIn', { ...ADMIN })).token;
    const open = async (session: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${new URL(server.url).port}${WEB_API.eventsPath}?token=${server.launchToken}&session=${session}`);
      await new Promise((r) => ws.on('open', r));
      const got: unknown[] = [];
      ws.on('message', (m) => got.push(JSON.parse(String(m))));
      return { ws, got };
    };
    const a = await open(mine);
    const b = await open(other);
    core.services.events.publish({ kind: 'playground', requestId: 'chat_1', delta: 'hi' }, { permission: 'playground:use', session: mine });
    await expect.poll(() => a.got.length).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.got).toEqual([]);
    a.ws.terminate();
    b.ws.terminate();
  });
});
