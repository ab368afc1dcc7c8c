import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateGatewayConfig, type GatewayConfigInput } from '../config';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { createTestCa, issueServerCert, startTlsJwks, type TestCert, type TlsJwksServer } from '../../test-support/test-ca';

/**
 * The desktop reloads every gateway on each key or project change. The JWKS key set (and jose's
 * cache of it) outlives those reloads while its URL, cache time and CA stay the same, so an
 * identity provider that is down at that moment does not turn every JWT caller away.
 */

const CA_PATH = '/etc/foundry-gateway/secrets/idp-ca.pem';
let ca: TestCert;
let idp: TlsJwksServer;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;
let gw: Running;

const config = (extra: { cacheMs?: number; keys?: { id: string; project: string; hash: string }[] } = {}): GatewayConfigInput => ({
  server: { host: '127.0.0.1', port: 0, access_log: false },
  auth: {
    api_keys: extra.keys ?? [],
    jwt: { algorithms: ['ES256'], issuer: 'https://idp.internal', audience: 'foundry', jwks_url: idp.url, jwks_ca_file: CA_PATH, ...(extra.cacheMs ? { jwks_cache_ms: extra.cacheMs } : {}) },
  },
  providers: { p: { kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1' } },
  models: { m: { targets: [{ provider: 'p' }] } },
});

const token = () => new SignJWT({ project: 'p-jwt', models: ['m'] }).setIssuer('https://idp.internal').setAudience('foundry').setExpirationTime('5m').setProtectedHeader({ alg: 'ES256', kid: 'ec1' }).sign(ec.privateKey);
const status = async () => (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${await token()}` } })).status;
async function reload(input: GatewayConfigInput) {
  const v = validateGatewayConfig(input);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return gw.gateway.reload(v.value);
}

beforeAll(async () => {
  ca = createTestCa({ commonName: 'Foundry Test IdP CA' });
  ec = await generateKeyPair('ES256');
  idp = await startTlsJwks(issueServerCert(ca), [{ ...(await exportJWK(ec.publicKey)), kid: 'ec1', alg: 'ES256', use: 'sig' }]);
  gw = await listenGateway(config(), secretsFrom({ [CA_PATH]: ca.certPem }));
});
afterAll(async () => {
  await gw?.close();
  await idp?.close();
});

describe('the JWKS key set across config reloads', () => {
  it('is kept while the identity provider is down, and made anew once its URL, cache time or CA changes', async () => {
    expect(await status()).toBe(200);
    expect(idp.fetched).toBe(1);
    await idp.close();

    // A new API key: what the desktop's auto-resync does many times a day.
    expect(await reload(config({ keys: [apiKey('k1', 'p1').entry] }))).toEqual({ ok: true });
    expect(await status()).toBe(200);
    expect(idp.fetched).toBe(1);

    // Another cache time is another key set: it starts empty, and the provider is still down.
    expect(await reload(config({ keys: [apiKey('k1', 'p1').entry], cacheMs: 120_000 }))).toEqual({ ok: true });
    expect(await status()).toBe(401);
  });
});
