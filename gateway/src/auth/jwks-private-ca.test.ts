import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../app';
import { validateGatewayConfig, type GatewayConfigInput } from '../config';
import { listenGateway, secretsFrom, type Running } from '../../test-support/harness';
import { createTestCa, issueServerCert, startTlsJwks, type TestCert, type TlsJwksServer } from '../../test-support/test-ca';

/** An identity provider behind an internal CA: its JWKS URL is trusted with auth.jwt.jwks_ca_file and nothing else. */

const CA_PATH = '/etc/foundry-gateway/secrets/idp-ca.pem';
let ca: TestCert;
let idp: TlsJwksServer;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;

const config = (jwksUrl: string, caFile?: string): GatewayConfigInput => ({
  auth: { jwt: { algorithms: ['ES256'], issuer: 'https://idp.internal', audience: 'foundry', jwks_url: jwksUrl, ...(caFile ? { jwks_ca_file: caFile } : {}) } },
  providers: { p: { kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1' } },
  models: { m: { targets: [{ provider: 'p' }] } },
});

const token = () => new SignJWT({ project: 'p-jwt', models: ['m'] }).setIssuer('https://idp.internal').setAudience('foundry').setSubject('alice').setExpirationTime('5m').setProtectedHeader({ alg: 'ES256', kid: 'ec1' }).sign(ec.privateKey);
const models = async (gw: Running) => fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${await token()}` } });
const failures = async (gw: Running) => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^foundry_gateway_jwks_fetch_failures_total\{reason="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
};
const warnings = () => {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return { lines, warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) };
};

beforeAll(async () => {
  ca = createTestCa({ commonName: 'Foundry Test IdP CA' });
  ec = await generateKeyPair('ES256');
  idp = await startTlsJwks(issueServerCert(ca), [{ ...(await exportJWK(ec.publicKey)), kid: 'ec1', alg: 'ES256', use: 'sig' }]);
});
afterAll(() => idp.close());

describe('auth.jwt.jwks_ca_file', () => {
  it('trusts the identity provider whose certificate the bundle\'s CA signed: an ES256 token from its JWKS is accepted', async () => {
    const log = warnings();
    const gw = await listenGateway(config(idp.url, CA_PATH), secretsFrom({ [CA_PATH]: ca.certPem }), { warn: log.warn });
    try {
      const before = idp.fetched;
      const res = await models(gw);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { id: string }[] }).data.map((d) => d.id)).toEqual(['m']);
      expect(idp.fetched).toBe(before + 1);
      expect(await failures(gw)).toEqual({});
      expect(log.lines).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('without the bundle (system roots) refuses the token with 401, counts a tls failure each time and warns once, naming jwks_ca_file', async () => {
    const log = warnings();
    const gw = await listenGateway(config(idp.url), secretsFrom(), { warn: log.warn });
    try {
      const before = idp.fetched;
      const res = await models(gw);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Cannot verify the token: the identity provider's key set (JWKS) could not be fetched.");
      expect((await models(gw)).status).toBe(401);
      expect(await failures(gw)).toEqual({ tls: 2 });
      // The TLS handshake failed: the server never answered a key-set request.
      expect(idp.fetched).toBe(before);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]!.fields).toMatchObject({ reason: 'tls', detail: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\); set jwks_ca_file/) });
      expect(log.lines[0]!.message).toMatch(/cannot fetch the JWT key set/);
    } finally {
      await gw.close();
    }
  });

  it('trusts exactly that bundle: another CA\'s bundle is refused the same way', async () => {
    const gw = await listenGateway(config(idp.url, CA_PATH), secretsFrom({ [CA_PATH]: createTestCa({ commonName: 'Some Other CA' }).certPem }));
    try {
      expect((await models(gw)).status).toBe(401);
      expect(await failures(gw)).toEqual({ tls: 1 });
    } finally {
      await gw.close();
    }
  });

  it('counts an identity provider that answers but not with 200 as http_status', async () => {
    const gw = await listenGateway(config(idp.url.replace('/jwks.json', '/down'), CA_PATH), secretsFrom({ [CA_PATH]: ca.certPem }));
    try {
      expect((await models(gw)).status).toBe(401);
      expect(await failures(gw)).toEqual({ http_status: 1 });
    } finally {
      await gw.close();
    }
  });

  it('refuses to load with a bundle that is missing, not PEM, or not a CA, naming auth.jwt.jwks_ca_file', async () => {
    const v = validateGatewayConfig({ ...config(idp.url, CA_PATH), server: { host: '127.0.0.1', port: 0, access_log: false } });
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const load = async (files: Record<string, string>) => {
      const r = await createGateway({ config: v.value, secrets: secretsFrom(files), accessLog: false });
      if (r.ok) await r.gateway.close();
      return r.ok ? [] : r.errors;
    };
    expect(await load({})).toEqual([`auth.jwt.jwks_ca_file: cannot read ${CA_PATH}`]);
    expect(await load({ [CA_PATH]: 'not a certificate' })).toEqual([expect.stringMatching(/^auth\.jwt\.jwks_ca_file: \/etc\/foundry-gateway\/secrets\/idp-ca\.pem holds no PEM certificate/)]);
    expect(await load({ [CA_PATH]: issueServerCert(ca).certPem })).toEqual([expect.stringMatching(/^auth\.jwt\.jwks_ca_file: .* is not a certificate authority/)]);
  });
});
