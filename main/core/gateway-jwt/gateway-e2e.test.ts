import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exportJWK, SignJWT } from 'jose';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { listenGateway, type Running } from '../../../gateway/test-support/harness';
import { createTestCa, issueServerCert, startTlsJwks, type TlsJwksServer } from '../../../gateway/test-support/test-ca';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { keychainTestsAvailable, tempDir, useAdminCore } from '../testing/harness';
import { SECRETS_MOUNT } from '../gateway/render';
import { desiredGatewayConfig, GATEWAY_CONFIGMAP, GATEWAY_SECRET, gatewaySyncObjects } from '../gateway/sync-objects';
import type { GatewayJwtInput } from './types';

/**
 * The desktop's JWT settings run by a real gateway: the ConfigMap and Secret a sync would apply are
 * unpacked the way the kubelet mounts them, a gateway process loads them, and tokens minted with
 * jose are accepted or refused, for each key source (an HS256 secret, an RS256 PEM key, an ES256
 * key set served over HTTP on 127.0.0.1, and one over HTTPS behind a CA minted for the test).
 */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });
let sims: Simulator[] = [];
let gw: Running | undefined;
let jwks: Server | undefined;
let tlsJwks: TlsJwksServer | undefined;
const dir = tempDir('foundry-gateway-jwt-');
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  await new Promise((r) => (jwks ? jwks.close(r) : r(null)));
  jwks = undefined;
  await tlsJwks?.close();
  tlsJwks = undefined;
});
afterAll(() => dir.remove());

const ISSUER = 'https://idp.example.com';
const AUDIENCE = 'foundry-gateway';

/** Two projects; "llama" for everyone, "gpt-fraud" for fraud only (both real simulators). */
async function registry() {
  const llama = await startSimulator({ model: 'llama', zeroDelay: true });
  const other = await startSimulator({ model: 'gpt-fraud', zeroDelay: true });
  sims.push(llama, other);
  const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
  await app.core.call('projects:create', { name: 'search' }, app.token);
  await app.core.call('endpoints:create', { name: 'llama', kind: 'openai_compatible', baseUrl: `${llama.url}/v1`, upstreamModel: 'llama' }, app.token);
  await app.core.call('endpoints:create', { name: 'gpt-fraud', kind: 'openai_compatible', baseUrl: `${other.url}/v1`, upstreamModel: 'gpt-fraud', projectIds: [fraud.id] }, app.token);
}

/** What a sync applies, mounted as the kubelet would, and a gateway started on it. */
async function gatewayFromSync(): Promise<void> {
  const desired = desiredGatewayConfig(app.services.db);
  const providerKeys: Record<string, string> = {};
  for (const [file, id] of Object.entries(desired.providerKeys)) providerKeys[file] = (await app.services.vault.get(id)).toString('utf8');
  const objects = gatewaySyncObjects(desired, { namespace: 'foundry-system', adminToken: 'admin-token-for-the-test', providerKeys, owner: { id: 'desktop-a', host: 'laptop-a' } });
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === GATEWAY_SECRET) as unknown as { data: Record<string, string> };
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === GATEWAY_CONFIGMAP) as unknown as { data: Record<string, string> };
  const mount = join(dir.path, `secrets-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(mount, { recursive: true });
  for (const [name, b64] of Object.entries(secret.data)) writeFileSync(join(mount, name), Buffer.from(b64, 'base64'));
  const parsed = parseGatewayConfig(configMap.data['config.toml']!);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  gw = await listenGateway({ ...parsed.value, server: { ...parsed.value.server, host: '127.0.0.1', port: 0 } }, { env: {}, readFile: (p) => readFileSync(join(mount, relative(SECRETS_MOUNT, p)), 'utf8') });
}

const chat = (token: string, model: string) =>
  fetch(`${gw!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });
const listed = async (token: string) => ((await (await fetch(`${gw!.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id).sort();

type Key = { alg: 'HS256'; secret: Uint8Array } | { alg: 'RS256' | 'ES256'; key: KeyObject; kid?: string };
interface Mint {
  claims?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative: already expired. */
  exp?: number;
}
function mint(k: Key, m: Mint = {}): Promise<string> {
  const jwt = new SignJWT({ project: 'search', models: ['llama'], ...m.claims })
    .setProtectedHeader({ alg: k.alg, ...(k.alg !== 'HS256' && k.kid ? { kid: k.kid } : {}) })
    .setSubject('svc-batch')
    .setIssuer(m.issuer ?? ISSUER)
    .setAudience(m.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (m.exp ?? 300));
  return jwt.sign(k.alg === 'HS256' ? k.secret : k.key);
}

async function expect401(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error: { code: string; type: string } }).error).toMatchObject({ code: 'invalid_api_key', type: 'authentication_error' });
}

/** What every key source must do once the desktop's settings reach a gateway. */
async function acceptsAndRefuses(good: Key, wrong: Key): Promise<void> {
  // The project claim maps to a desktop project: "search" does not see fraud's model, "fraud" does.
  const search = await mint(good);
  expect((await chat(search, 'llama')).status).toBe(200);
  expect(await listed(search)).toEqual(['llama']);
  const searchAll = await mint(good, { claims: { models: ['llama', 'gpt-fraud'] } });
  expect(await listed(searchAll)).toEqual(['llama']);
  expect((await chat(searchAll, 'gpt-fraud')).status).toBe(404);
  const fraudAll = await mint(good, { claims: { project: 'fraud', models: '*' } });
  expect(await listed(fraudAll)).toEqual(['gpt-fraud', 'llama']);
  expect((await chat(fraudAll, 'gpt-fraud')).status).toBe(200);
  // The models claim narrows: a token naming only llama may not use gpt-fraud even for fraud.
  const fraudLlama = await mint(good, { claims: { project: 'fraud', models: 'llama' } });
  expect(await listed(fraudLlama)).toEqual(['llama']);
  const narrowed = await chat(fraudLlama, 'gpt-fraud');
  expect(narrowed.status).toBe(404);
  expect(((await narrowed.json()) as { error: { code: string } }).error.code).toBe('model_not_found');

  await expect401(await chat(await mint(good, { issuer: 'https://evil.example.com' }), 'llama'));
  await expect401(await chat(await mint(good, { audience: 'some-other-app' }), 'llama'));
  await expect401(await chat(await mint(good, { exp: -120 }), 'llama'));
  await expect401(await chat(await mint(wrong), 'llama'));
  await expect401(await chat(await mint(good, { claims: { project: undefined } }), 'llama'));
}

describe.skipIf(!available)('the desktop\'s JWT settings in a real gateway', () => {
  it('HS256: the secret sealed in the vault reaches the gateway as a Secret file and verifies tokens', async () => {
    await registry();
    const secret = 'an-hs256-secret-shared-with-the-batch-jobs-0123456789';
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, hs256Secret: secret }, app.token);
    await gatewayFromSync();
    const enc = (s: string) => new TextEncoder().encode(s);
    await acceptsAndRefuses({ alg: 'HS256', secret: enc(secret) }, { alg: 'HS256', secret: enc(`${secret}-not`) });

    // A replaced secret: the new gateway takes the new one and refuses tokens signed with the old.
    await gw!.close();
    gw = undefined;
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, hs256Secret: `${secret}-v2` }, app.token);
    await gatewayFromSync();
    expect((await chat(await mint({ alg: 'HS256', secret: enc(`${secret}-v2`) }), 'llama')).status).toBe(200);
    await expect401(await chat(await mint({ alg: 'HS256', secret: enc(secret) }), 'llama'));
  });

  it('RS256: a PEM public key travels in the Secret; tokens signed by its private key pass, others fail', async () => {
    await registry();
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input: GatewayJwtInput = { issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    await app.core.call('gatewayJwt:set', input, app.token);
    await gatewayFromSync();
    await acceptsAndRefuses({ alg: 'RS256', key: pair.privateKey }, { alg: 'RS256', key: other.privateKey });
  });

  it('ES256: the key set is fetched from a real JWKS server on 127.0.0.1; claim names and clock tolerance are the desktop\'s', async () => {
    await registry();
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    let fetched = 0;
    jwks = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      fetched++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks!.listen(0, '127.0.0.1', r));
    const port = (jwks.address() as { port: number }).port;
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` }, app.token);
    await gatewayFromSync();
    await acceptsAndRefuses({ alg: 'ES256', key: pair.privateKey, kid: 'k1' }, { alg: 'ES256', key: other.privateKey, kid: 'k1' });
    expect(fetched).toBeGreaterThanOrEqual(1);

    // Other claim names and a minute of tolerance, set at the desktop, are what the gateway applies.
    await gw!.close();
    gw = undefined;
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], projectClaim: 'https://example.com/team', modelsClaim: 'scope_models', clockToleranceS: 60 }, app.token);
    await gatewayFromSync();
    const key: Key = { alg: 'ES256', key: pair.privateKey, kid: 'k1' };
    const recent = await mint(key, { exp: -20, claims: { project: undefined, models: undefined, 'https://example.com/team': 'search', scope_models: ['llama'] } });
    expect((await chat(recent, 'llama')).status).toBe(200);
    await expect401(await chat(await mint(key, { exp: -120, claims: { 'https://example.com/team': 'search', scope_models: ['llama'] } }), 'llama'));
    // A token carrying the old claim names has no project now.
    await expect401(await chat(await mint(key), 'llama'));
  });

  it('ES256 over HTTPS behind a private CA: the desktop\'s CA bundle reaches the gateway in the Secret and is what trusts the key set', async () => {
    await registry();
    const ca = createTestCa({ commonName: 'Corp IdP Internal CA' });
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    tlsJwks = await startTlsJwks(issueServerCert(ca), [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }]);
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, jwksUrl: tlsJwks.url, jwksCaBundle: ca.certPem, jwksCacheMs: 120_000 }, app.token);
    const desired = desiredGatewayConfig(app.services.db);
    expect(Object.keys(desired.caFiles)).toEqual([expect.stringMatching(/^jwt-jwks-ca-[0-9a-f]{16}\.pem$/)]);
    await gatewayFromSync();
    expect(gw!.gateway.runtime().config.auth.jwt).toMatchObject({ jwks_url: tlsJwks.url, jwks_cache_ms: 120_000, jwks_ca_file: `${SECRETS_MOUNT}/${Object.keys(desired.caFiles)[0]}` });
    await acceptsAndRefuses({ alg: 'ES256', key: pair.privateKey, kid: 'k1' }, { alg: 'ES256', key: other.privateKey, kid: 'k1' });
    expect(tlsJwks.fetched).toBeGreaterThanOrEqual(1);

    // The bundle removed at the desktop: the gateway is back on the system roots, which do not know
    // this CA, so the key set is never fetched and every token is refused.
    await gw!.close();
    gw = undefined;
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, jwksCaBundle: null }, app.token);
    await gatewayFromSync();
    const fetched = tlsJwks.fetched;
    const refused = await chat(await mint({ alg: 'ES256', key: pair.privateKey, kid: 'k1' }), 'llama');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/key set \(JWKS\) could not be fetched/);
    expect(tlsJwks.fetched).toBe(fetched);
  });

  it('disabled: the gateway refuses every JWT again', async () => {
    await registry();
    const secret = 'an-hs256-secret-shared-with-the-batch-jobs-0123456789';
    await app.core.call('gatewayJwt:set', { issuer: ISSUER, audience: AUDIENCE, hs256Secret: secret }, app.token);
    await app.core.call('gatewayJwt:disable', { confirm: true }, app.token);
    await gatewayFromSync();
    await expect401(await chat(await mint({ alg: 'HS256', secret: new TextEncoder().encode(secret) }), 'llama'));
  });
});
