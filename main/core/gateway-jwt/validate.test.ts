import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { checkJwtSettings, type StoredJwt, type StoredKeySource } from './validate';
import { jwkThumbprint } from './service';
import type { GatewayJwtInput } from './types';
import { createTestCa, issueServerCert } from '../../../gateway/test-support/test-ca';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: { publicKey: import('node:crypto').KeyObject }) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const base: GatewayJwtInput = { issuer: 'https://idp.example.com', audience: 'foundry-gateway' };
const SECRET = 'x'.repeat(40);
const stored = (source: StoredKeySource, algorithms: StoredJwt['algorithms'], more: Partial<StoredJwt> = {}): StoredJwt => ({ source, algorithms, projectClaim: 'team', modelsClaim: 'scopes', clockToleranceS: 30, ...more });

/** The field → messages of a refused input. */
function refused(input: GatewayJwtInput, stored: StoredJwt | null = null): Record<string, string> {
  try {
    checkJwtSettings(input, stored);
  } catch (err) {
    const e = err as { code: string; message: string; hint: string; details: { path: string[]; message: string }[] };
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.hint).toContain('nothing was changed');
    return Object.fromEntries(e.details.map((d) => [d.path.join('.'), d.message]));
  }
  throw new Error('was accepted');
}

describe('checkJwtSettings', () => {
  it('derives the algorithms from the key source and fills the gateway defaults', () => {
    expect(checkJwtSettings({ ...base, jwksUrl: 'https://idp.example.com/jwks' }, null)).toMatchObject({ algorithms: ['RS256', 'ES256'], source: { kind: 'jwks', url: 'https://idp.example.com/jwks' }, projectClaim: 'project', modelsClaim: 'models', clockToleranceS: 5 });
    expect(checkJwtSettings({ ...base, publicKeyPem: pem(rsa) }, null)).toMatchObject({ algorithms: ['RS256'], source: { kind: 'public_key', keyType: 'RSA 2048' } });
    expect(checkJwtSettings({ ...base, publicKeyPem: pem(ec) }, null)).toMatchObject({ algorithms: ['ES256'], source: { kind: 'public_key', keyType: 'EC P-256' } });
    expect(checkJwtSettings({ ...base, hs256Secret: SECRET }, null)).toMatchObject({ algorithms: ['HS256'], source: { kind: 'hs256', secret: SECRET } });
    expect(checkJwtSettings({ ...base, jwksUrl: 'https://idp.example.com/jwks', algorithms: ['ES256'] }, null).algorithms).toEqual(['ES256']);
  });

  it('turns a PKCS#1 key or a certificate into the SPKI PEM the gateway imports', () => {
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const r = checkJwtSettings({ ...base, publicKeyPem: pkcs1 }, null);
    expect(r.source).toMatchObject({ kind: 'public_key', pem: pem(rsa) });
  });

  it('keeps what is stored for every field left out, and checks a kept key against new algorithms', () => {
    expect(checkJwtSettings({ ...base, audience: 'other' }, stored({ kind: 'hs256' }, ['HS256']))).toEqual({ ...base, audience: 'other', algorithms: ['HS256'], source: { kind: 'hs256' }, projectClaim: 'team', modelsClaim: 'scopes', clockToleranceS: 30 });
    const jwks = stored({ kind: 'jwks', url: 'https://idp.example.com/jwks', caBundle: null, cacheMs: 600_000 }, ['ES256']);
    expect(checkJwtSettings(base, jwks)).toMatchObject({ source: { kind: 'jwks', url: 'https://idp.example.com/jwks' }, algorithms: ['ES256'] });
    expect(checkJwtSettings({ ...base, projectClaim: 'project', clockToleranceS: 0 }, jwks)).toMatchObject({ projectClaim: 'project', modelsClaim: 'scopes', clockToleranceS: 0 });
    // A new key source brings its own algorithms.
    expect(checkJwtSettings({ ...base, publicKeyPem: pem(rsa) }, jwks).algorithms).toEqual(['RS256']);
    expect(refused({ ...base, algorithms: ['RS256'] }, stored({ kind: 'public_key', pem: pem(ec) }, ['ES256']))).toEqual({ algorithms: 'RS256 does not fit an EC P-256 public key, which verifies ES256 only' });
    expect(refused(base)).toEqual({ keySource: expect.stringMatching(/^is required: give a JWKS URL, a PEM public key \(RS256\/ES256\) or an HS256 shared secret/) });
  });

  it('refuses a JWKS URL that is not https (loopback aside), carries credentials, or is not a URL', () => {
    expect(refused({ ...base, jwksUrl: 'http://keycloak.auth.svc:8080/certs' }).jwksUrl).toMatch(/^must use https: a key set fetched over plain http can be replaced/);
    expect(checkJwtSettings({ ...base, jwksUrl: 'http://127.0.0.1:9000/jwks' }, null).source).toEqual({ kind: 'jwks', url: 'http://127.0.0.1:9000/jwks', caBundle: null, cacheMs: 600_000 });
    expect(checkJwtSettings({ ...base, jwksUrl: 'http://localhost:9000/jwks' }, null).source).toMatchObject({ kind: 'jwks' });
    expect(refused({ ...base, jwksUrl: 'https://user:pw@idp.example.com/jwks' }).jwksUrl).toMatch(/must not carry a user name or password/);
    expect(refused({ ...base, jwksUrl: 'idp.example.com/jwks' }).jwksUrl).toMatch(/is not a URL; give the issuer's key set address/);
    expect(refused({ ...base, jwksUrl: 'ftp://idp.example.com/jwks' }).jwksUrl).toBe('must use https, not ftp');
  });

  it('refuses a private key without echoing it, text that is no key, weak or unsupported keys', () => {
    const priv = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const msg = refused({ ...base, publicKeyPem: priv }).publicKeyPem!;
    expect(msg).toMatch(/^contains a private key, which must stay with the token issuer/);
    expect(msg).not.toContain(priv.split('\n')[1]!);
    expect(refused({ ...base, publicKeyPem: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' }).publicKeyPem).toMatch(/^holds no PEM public key; give the issuer's public key in PEM form/);
    expect(refused({ ...base, publicKeyPem: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n' }).publicKeyPem).toMatch(/^cannot be read as a public key \(/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(refused({ ...base, publicKeyPem: pem(p384) }).publicKeyPem).toBe('is an EC key on P-384; ES256 needs a P-256 key (RS256 needs an RSA key)');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(refused({ ...base, publicKeyPem: pem(small) }).publicKeyPem).toBe('is an RSA key of 1024 bits; RS256 needs at least 2048 bits');
    const ed = generateKeyPairSync('ed25519');
    expect(refused({ ...base, publicKeyPem: pem(ed) }).publicKeyPem).toMatch(/^is an ed25519 key; the gateway verifies RS256 \(an RSA key\) and ES256/);
  });

  it('refuses algorithms the key source cannot verify', () => {
    expect(refused({ ...base, publicKeyPem: pem(rsa), algorithms: ['ES256'] })).toEqual({ algorithms: 'ES256 does not fit an RSA 2048 public key, which verifies RS256 only' });
    expect(refused({ ...base, jwksUrl: 'https://idp.example.com/jwks', algorithms: ['HS256', 'RS256'] }).algorithms).toMatch(/^HS256 does not fit a JWKS key set \(HS256 needs a shared secret instead\)/);
    expect(refused({ ...base, hs256Secret: SECRET, algorithms: ['RS256', 'ES256'] })).toEqual({ algorithms: 'RS256, ES256 do not fit a shared secret, which verifies HS256 only' });
    expect(refused({ ...base, hs256Secret: SECRET, algorithms: [] }).algorithms).toMatch(/^name at least one/);
  });

  it('refuses a short, padded or multi-line HS256 secret, two key sources, and bad names, all at once', () => {
    expect(refused({ ...base, hs256Secret: 'short' }).hs256Secret).toMatch(/^is 5 bytes; HS256 needs at least 32 \(256 bits\)/);
    expect(refused({ ...base, hs256Secret: ` ${SECRET}` }).hs256Secret).toMatch(/^must not start or end with whitespace/);
    expect(refused({ ...base, hs256Secret: `${SECRET}\nmore` }).hs256Secret).toMatch(/^must not contain control characters/);
    const all = refused({ issuer: ' ', audience: 'two words', hs256Secret: SECRET, jwksUrl: 'https://idp.example.com/jwks', projectClaim: 'models' });
    expect(Object.keys(all).sort()).toEqual(['audience', 'hs256Secret', 'issuer', 'modelsClaim']);
    expect(all.issuer).toMatch(/^is required: tokens must name who issued them/);
    expect(all.hs256Secret).toMatch(/^give one key source only: jwksUrl and hs256Secret were both given/);
    expect(all.modelsClaim).toBe('must differ from the project claim ("models")');
  });

  it('takes a CA bundle and a cache time for a JWKS URL: checked, normalised, kept while left out, removed with null', () => {
    const ca = createTestCa({ commonName: 'IdP Internal CA' });
    const url = 'https://idp.internal/jwks';
    const lf = ca.certPem.replace(/\r/g, '');
    // CRLF (forge writes it, as do Windows tools) and stray text around the block are normalised away.
    const r = checkJwtSettings({ ...base, jwksUrl: url, jwksCaBundle: `exported by the IdP team\r\n${lf.replace(/\n/g, '\r\n')}`, jwksCacheMs: 60_000 }, null);
    expect(r.source).toEqual({ kind: 'jwks', url, caBundle: lf, cacheMs: 60_000 });
    const kept = stored({ kind: 'jwks', url, caBundle: ca.certPem, cacheMs: 3_600_000 }, ['ES256']);
    expect(checkJwtSettings(base, kept).source).toEqual({ kind: 'jwks', url, caBundle: ca.certPem, cacheMs: 3_600_000 });
    expect(checkJwtSettings({ ...base, jwksUrl: 'https://idp2.internal/jwks' }, kept).source).toEqual({ kind: 'jwks', url: 'https://idp2.internal/jwks', caBundle: ca.certPem, cacheMs: 3_600_000 });
    expect(checkJwtSettings({ ...base, jwksCaBundle: null }, kept).source).toEqual({ kind: 'jwks', url, caBundle: null, cacheMs: 3_600_000 });
    // Another key source leaves the bundle behind with the JWKS URL.
    expect(checkJwtSettings({ ...base, publicKeyPem: pem(ec) }, kept).source).toMatchObject({ kind: 'public_key' });
  });

  it('refuses a CA bundle that is no CA, holds a private key, has expired, or sits beside a plain-http URL or another key source; and a cache time out of bounds', () => {
    const ca = createTestCa();
    const url = 'https://idp.internal/jwks';
    expect(refused({ ...base, jwksUrl: url, jwksCaBundle: issueServerCert(ca).certPem }).jwksCaBundle).toMatch(/^certificate 1 \("private-llm\.internal"\) is not a certificate authority/);
    const withKey = refused({ ...base, jwksUrl: url, jwksCaBundle: `${ca.certPem}${ca.keyPem}` }).jwksCaBundle!;
    expect(withKey).toMatch(/^contains a private key/);
    expect(withKey).not.toContain(ca.keyPem.split('\n')[1]!);
    expect(refused({ ...base, jwksUrl: url, jwksCaBundle: createTestCa({ notAfterDays: -1 }).certPem }).jwksCaBundle).toMatch(/^certificate 1 \(".*"\) expired on /);
    expect(refused({ ...base, jwksUrl: 'http://127.0.0.1:9000/jwks', jwksCaBundle: ca.certPem }).jwksCaBundle).toMatch(/^applies only to an https JWKS URL/);
    // A stored bundle does not silently survive a move to plain http.
    expect(refused({ ...base, jwksUrl: 'http://127.0.0.1:9000/jwks' }, stored({ kind: 'jwks', url, caBundle: ca.certPem, cacheMs: 600_000 }, ['ES256'])).jwksCaBundle).toMatch(/^applies only to an https JWKS URL/);
    expect(refused({ ...base, publicKeyPem: pem(ec), jwksCaBundle: ca.certPem, jwksCacheMs: 60_000 })).toEqual({ jwksCaBundle: 'applies only to a JWKS key source; give a JWKS URL, or leave it out', jwksCacheMs: 'applies only to a JWKS key source; give a JWKS URL, or leave it out' });
    for (const bad of [59_999, 86_400_001, 1.5]) expect(refused({ ...base, jwksUrl: url, jwksCacheMs: bad }).jwksCacheMs).toBe('must be a whole number of milliseconds from 60000 (1 minute) to 86400000 (24 hours)');
    expect(checkJwtSettings({ ...base, jwksUrl: url, jwksCacheMs: 86_400_000 }, null).source).toMatchObject({ cacheMs: 86_400_000 });
  });

  it("names a public key by its RFC 7638 thumbprint, as jose computes it", async () => {
    for (const k of [rsa, ec]) expect(jwkThumbprint(createPublicKey(pem(k)))).toBe(await calculateJwkThumbprint(await exportJWK(k.publicKey)));
  });
});
