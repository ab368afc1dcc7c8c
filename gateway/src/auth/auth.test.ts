import Fastify from 'fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/fixtures/vllm-sim';
import { apiKey, listenGateway, secretsFrom, type Running } from '../../test-support/harness';

let sim: Simulator;
let gw: Running;
const jwks = Fastify();
const good = apiKey('k-good', 'p1');
const revoked = apiKey('k-revoked', 'p1', { revoked: true });
const expired = apiKey('k-expired', 'p1', { expires_at: '2020-01-01T00:00:00Z' });
const HS_SECRET = 'a-very-long-shared-secret-for-hs256-tests';
let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec1', alg: 'ES256', use: 'sig' };
  jwks.get('/jwks.json', async () => ({ keys: [ecJwk] }));
  const jwksUrl = await jwks.listen({ host: '127.0.0.1', port: 0 });
  sim = await startSimulator({ model: 'm', zeroDelay: true });
  gw = await listenGateway(
    {
      auth: {
        failed_attempts_per_minute: 5,
        api_keys: [good.entry, revoked.entry, expired.entry],
        jwt: { algorithms: ['HS256', 'RS256', 'ES256'], issuer: 'https://idp.test', audience: 'foundry', secret_file: '/s/hs', public_key_file: '/s/rsa.pem', jwks_url: `${jwksUrl}/jwks.json` },
      },
      providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } },
      models: { m: { targets: [{ provider: 'vllm' }] }, other: { targets: [{ provider: 'vllm', model: 'm' }] } },
    },
    secretsFrom({ '/s/hs': HS_SECRET, '/s/rsa.pem': await exportSPKI(rsa.publicKey) }),
  );
});
afterAll(async () => {
  await gw.close();
  await sim.close();
  await jwks.close();
});

const models = (token: string, ip?: string) => fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${token}`, ...(ip ? {} : {}) } });
const ids = async (res: Response) => ((await res.json()) as { data: { id: string }[] }).data.map((d) => d.id);

function token(claims: Record<string, unknown>) {
  return new SignJWT({ project: 'p-jwt', models: ['m'], ...claims }).setIssuer('https://idp.test').setAudience('foundry').setSubject('alice').setIssuedAt().setExpirationTime('5m');
}

describe('authentication', () => {
  it('accepts a valid API key and rejects revoked and expired ones', async () => {
    expect((await models(good.key)).status).toBe(200);
    const r = await models(revoked.key);
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toMatch(/revoked/);
    expect((await (await models(expired.key)).json()).error.message).toMatch(/expired/);
  });

  it('maps HS256, RS256 and JWKS-served ES256 tokens to project and allowed models', async () => {
    const hs = await token({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HS_SECRET));
    const rs = await token({ models: 'm other' }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
    const es = await token({}).setProtectedHeader({ alg: 'ES256', kid: 'ec1' }).sign(ec.privateKey);
    expect(await ids(await models(hs))).toEqual(['m']);
    expect((await ids(await models(rs))).sort()).toEqual(['m', 'other']);
    expect(await ids(await models(es))).toEqual(['m']);
  });

  it('rejects tokens with the wrong audience, an expired exp, or no models claim access', async () => {
    const wrongAud = await token({}).setAudience('someone-else').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HS_SECRET));
    expect((await models(wrongAud)).status).toBe(401);
    const old = await new SignJWT({ project: 'p' }).setIssuer('https://idp.test').setAudience('foundry').setExpirationTime(Math.floor(Date.now() / 1000) - 3600).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HS_SECRET));
    expect((await models(old)).status).toBe(401);
    const noModels = await new SignJWT({ project: 'p' }).setIssuer('https://idp.test').setAudience('foundry').setExpirationTime('5m').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HS_SECRET));
    expect(await ids(await models(noModels))).toEqual([]);
  });

  it('rate limits failed attempts per source IP, then refuses even before checking', async () => {
    const bad = 'fdy_' + 'B'.repeat(43);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await models(bad)).status);
    // Earlier tests in this file already spent 4 of the 5 allowed failures from 127.0.0.1.
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1)).toEqual([429, 429, 429, 429, 429, 429, 429]);
    const blocked = await models(good.key);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

// Its own gateway: the failures here must not spend the per-IP failed-attempt budget the tests above count.
describe('credential headers', () => {
  let alt: Running;
  beforeAll(async () => {
    alt = await listenGateway({ auth: { api_keys: [good.entry, revoked.entry] }, providers: { vllm: { kind: 'openai_compatible', base_url: `${sim.url}/v1` } }, models: { m: { targets: [{ provider: 'vllm' }] } } });
  });
  afterAll(() => alt.close());

  it('takes the key from x-api-key or api-key when there is no Authorization header (service proxy, Anthropic and Azure clients)', async () => {
    expect((await fetch(`${alt.url}/v1/models`, { headers: { 'x-api-key': good.key } })).status).toBe(200);
    expect((await fetch(`${alt.url}/v1/models`, { headers: { 'api-key': good.key } })).status).toBe(200);
    const r = await fetch(`${alt.url}/v1/models`, { headers: { 'x-api-key': revoked.key } });
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toMatch(/revoked/);
    // An Authorization header that is not Bearer is refused, not silently replaced by x-api-key.
    expect((await fetch(`${alt.url}/v1/models`, { headers: { authorization: 'Basic eDp5', 'x-api-key': good.key } })).status).toBe(401);
  });
});

describe('the per-request key digest', () => {
  it('is the SHA-256 hex digest createHash gives, for any string (crypto.hash where Node has it)', async () => {
    const { hashApiKey, sha256Hex } = await import('./api-keys');
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => sha256Hex(s) === hashApiKey(s)), { numRuns: 2_000 });
    expect(sha256Hex(good.key)).toBe(good.entry.hash);
  });
});
