import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { keychainTestsAvailable, useAdminCore } from '../testing/harness';
import { renderGatewayConfig, SECRETS_MOUNT } from '../gateway/render';
import { desiredGatewayConfig } from '../gateway/sync-objects';
import { JWT_SECRET_KIND } from './service';
import { createTestCa, issueServerCert } from '../../../gateway/test-support/test-ca';

/** The issuer's settings through the channel table: stored, sealed, rendered, audited, refused. */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });

const SECRET = 'hs256-secret-for-the-service-test-0123456789';
const issuer = { issuer: 'https://idp.example.com', audience: 'foundry-gateway' };
const failure = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as { code: string; message: string; details?: { path: string[]; message: string }[] };
const jwtSection = () => {
  const parsed = parseGatewayConfig(renderGatewayConfig(app.services.db).toml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.value.auth.jwt;
};

describe.skipIf(!available)('gateway JWT settings', () => {
  it('seal an HS256 secret in the vault, never return or audit it, and render it as a revisioned Secret file', async () => {
    expect(await app.core.call('gatewayJwt:get', {}, app.token)).toBeNull();
    expect(jwtSection()).toBeUndefined();
    const set = await app.core.call('gatewayJwt:set', { ...issuer, hs256Secret: SECRET, projectClaim: 'team', clockToleranceS: 30 }, app.token);
    expect(set).toMatchObject({ change: 'enabled', secretReplaced: false, settings: { ...issuer, algorithms: ['HS256'], keySource: { kind: 'hs256', secretSet: true }, projectClaim: 'team', modelsClaim: 'models', clockToleranceS: 30, updatedBy: 'ada' } });
    expect(JSON.stringify(await app.core.call('gatewayJwt:get', {}, app.token))).not.toContain(SECRET);

    const [sealed] = app.services.vault.list(JWT_SECRET_KIND);
    expect((await app.services.vault.get(sealed!.id)).toString()).toBe(SECRET);
    expect(jwtSection()).toEqual({ ...issuer, algorithms: ['HS256'], secret_file: `${SECRETS_MOUNT}/jwt-hs256-secret-r1`, jwks_cache_ms: 600000, project_claim: 'team', models_claim: 'models', clock_tolerance_s: 30 });
    const desired = desiredGatewayConfig(app.services.db);
    expect(desired.providerKeys).toEqual({ 'jwt-hs256-secret-r1': sealed!.id });
    expect(desired.toml).not.toContain(SECRET);

    // A new audience keeps the secret; a new secret is a new file, so the config changes and gateways reload.
    const kept = await app.core.call('gatewayJwt:set', { ...issuer, audience: 'other' }, app.token);
    expect(kept).toMatchObject({ change: 'changed', secretReplaced: false });
    expect(jwtSection()!.secret_file).toBe(`${SECRETS_MOUNT}/jwt-hs256-secret-r1`);
    const before = desiredGatewayConfig(app.services.db).configHash;
    const replaced = await app.core.call('gatewayJwt:set', { ...issuer, hs256Secret: `${SECRET}-rotated` }, app.token);
    expect(replaced).toMatchObject({ change: 'changed', secretReplaced: true });
    expect(desiredGatewayConfig(app.services.db).configHash).not.toBe(before);
    expect(jwtSection()!.secret_file).toBe(`${SECRETS_MOUNT}/jwt-hs256-secret-r2`);
    const secrets = app.services.vault.list(JWT_SECRET_KIND);
    expect(secrets).toHaveLength(1);
    expect((await app.services.vault.get(secrets[0]!.id)).toString()).toBe(`${SECRET}-rotated`);

    const audit = await app.core.call('audit:list', {}, app.token);
    expect(audit.filter((a) => a.action === 'gatewayJwt:set').map((a) => [a.details.change, a.details.secretReplaced])).toEqual([
      ['changed', true],
      ['changed', false],
      ['enabled', false],
    ]);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('disables on confirmation only: the section leaves the config, the secret leaves the vault; re-enabling never reuses a file name', async () => {
    await app.core.call('gatewayJwt:set', { ...issuer, hs256Secret: SECRET }, app.token);
    const unconfirmed = await failure(app.core.call('gatewayJwt:disable', { confirm: false } as never, app.token));
    expect(unconfirmed.code).toBe('INVALID_INPUT');
    expect(unconfirmed.message).toContain('every gateway will refuse every JWT');
    expect(jwtSection()).toBeDefined();

    const off = await app.core.call('gatewayJwt:disable', { confirm: true }, app.token);
    expect(off.issuer).toBe(issuer.issuer);
    expect(await app.core.call('gatewayJwt:get', {}, app.token)).toBeNull();
    expect(jwtSection()).toBeUndefined();
    expect(app.services.vault.list(JWT_SECRET_KIND)).toEqual([]);
    expect((await failure(app.core.call('gatewayJwt:disable', { confirm: true }, app.token))).code).toBe('FAILED_PRECONDITION');
    const audit = await app.core.call('audit:list', {}, app.token);
    expect(audit[0]).toMatchObject({ action: 'gatewayJwt:disable', target: 'gateway-jwt', details: { change: 'disabled', issuer: issuer.issuer, keySource: 'hs256' } });

    // Off means no stored key to keep: a key source is required again.
    expect((await failure(app.core.call('gatewayJwt:set', issuer, app.token))).details).toEqual([{ path: ['keySource'], message: expect.stringMatching(/^is required/) }]);
    await app.core.call('gatewayJwt:set', { ...issuer, hs256Secret: `${SECRET}-again` }, app.token);
    expect(jwtSection()!.secret_file).toBe(`${SECRETS_MOUNT}/jwt-hs256-secret-r2`);
  });

  it('switching to a PEM key drops the secret and ships the key as a file named by its hash; to a JWKS URL, no file at all', async () => {
    await app.core.call('gatewayJwt:set', { ...issuer, hs256Secret: SECRET }, app.token);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const set = await app.core.call('gatewayJwt:set', { ...issuer, publicKeyPem: pem }, app.token);
    expect(set.settings.keySource).toMatchObject({ kind: 'public_key', pem, keyType: 'EC P-256', thumbprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(app.services.vault.list(JWT_SECRET_KIND)).toEqual([]);
    const { caFiles, secretFiles } = renderGatewayConfig(app.services.db);
    expect(secretFiles).toEqual({});
    const [file] = Object.keys(caFiles);
    expect(file).toMatch(/^jwt-public-key-[0-9a-f]{16}\.pem$/);
    expect(caFiles[file!]).toBe(pem);
    expect(jwtSection()).toMatchObject({ algorithms: ['ES256'], public_key_file: `${SECRETS_MOUNT}/${file}` });

    await app.core.call('gatewayJwt:set', { ...issuer, jwksUrl: 'https://idp.example.com/.well-known/jwks.json' }, app.token);
    expect(renderGatewayConfig(app.services.db).caFiles).toEqual({});
    expect(jwtSection()).toMatchObject({ algorithms: ['RS256', 'ES256'], jwks_url: 'https://idp.example.com/.well-known/jwks.json' });
    const audit = await app.core.call('audit:list', {}, app.token);
    expect(audit[0]!.details).toMatchObject({ keySource: 'jwks', jwksUrl: 'https://idp.example.com/.well-known/jwks.json' });
    expect(audit[1]!.details).toMatchObject({ keySource: 'public_key', publicKey: `EC P-256 ${set.settings.keySource.kind === 'public_key' ? set.settings.keySource.thumbprint : ''}` });
  });

  it('a JWKS URL behind a private CA: the bundle is stored normalised, shown by its certificates, shipped under a content-hash file name, audited by fingerprint; the cache time renders when not the default', async () => {
    const ca = createTestCa({ commonName: 'IdP Internal CA' });
    const lf = ca.certPem.replace(/\r/g, '');
    const url = 'https://idp.internal/.well-known/jwks.json';
    const set = await app.core.call('gatewayJwt:set', { ...issuer, jwksUrl: url, jwksCaBundle: ca.certPem, jwksCacheMs: 3_600_000 }, app.token);
    expect(set.settings.keySource).toEqual({ kind: 'jwks', url, cacheMs: 3_600_000, caCertificates: [{ subject: 'IdP Internal CA', notBefore: expect.any(String), notAfter: expect.any(String), fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) }] });
    expect(JSON.stringify(set)).not.toContain(lf.split('\n')[1]!);
    const { caFiles } = renderGatewayConfig(app.services.db);
    const [file] = Object.keys(caFiles);
    expect(file).toMatch(/^jwt-jwks-ca-[0-9a-f]{16}\.pem$/);
    expect(caFiles[file!]).toBe(lf);
    expect(desiredGatewayConfig(app.services.db).caFiles).toEqual(caFiles);
    expect(jwtSection()).toMatchObject({ jwks_url: url, jwks_ca_file: `${SECRETS_MOUNT}/${file}`, jwks_cache_ms: 3_600_000 });
    const audit = await app.core.call('audit:list', {}, app.token);
    expect(audit[0]!.details).toMatchObject({ keySource: 'jwks', jwksUrl: url, jwksCaFingerprints: [set.settings.keySource.kind === 'jwks' ? set.settings.keySource.caCertificates![0]!.fingerprint256 : ''], jwksCacheMs: 3_600_000 });

    // Left out: kept. A new CA: a new file name, so the config changes and gateways reload.
    await app.core.call('gatewayJwt:set', { ...issuer, audience: 'other' }, app.token);
    expect(jwtSection()!.jwks_ca_file).toBe(`${SECRETS_MOUNT}/${file}`);
    const before = desiredGatewayConfig(app.services.db).configHash;
    await app.core.call('gatewayJwt:set', { ...issuer, jwksCaBundle: createTestCa({ commonName: 'IdP CA 2' }).certPem }, app.token);
    expect(desiredGatewayConfig(app.services.db).configHash).not.toBe(before);
    expect(jwtSection()!.jwks_ca_file).not.toBe(`${SECRETS_MOUNT}/${file}`);
    // null removes it (the system roots again); the default cache time leaves the config as it was before the setting existed.
    const cleared = await app.core.call('gatewayJwt:set', { ...issuer, jwksCaBundle: null, jwksCacheMs: 600_000 }, app.token);
    expect(cleared.settings.keySource).toMatchObject({ kind: 'jwks', caCertificates: null, cacheMs: 600_000 });
    expect(renderGatewayConfig(app.services.db).caFiles).toEqual({});
    expect(renderGatewayConfig(app.services.db).config.auth?.jwt).not.toHaveProperty('jwks_cache_ms');
    expect(renderGatewayConfig(app.services.db).config.auth?.jwt).not.toHaveProperty('jwks_ca_file');
    // Refused at the channel: a cache time out of bounds; in the core: a bundle that is not a CA.
    expect((await failure(app.core.call('gatewayJwt:set', { ...issuer, jwksCacheMs: 1000 }, app.token))).message).toContain('jwksCacheMs: must be at least 60000 (1 minute)');
    expect((await failure(app.core.call('gatewayJwt:set', { ...issuer, jwksCaBundle: issueServerCert(ca).certPem }, app.token))).details).toEqual([{ path: ['jwksCaBundle'], message: expect.stringMatching(/is not a certificate authority/) }]);
  });

  it('bad input is refused by field and changes nothing: not the settings, the vault, the config or the audit log', async () => {
    await app.core.call('gatewayJwt:set', { ...issuer, jwksUrl: 'https://idp.example.com/jwks' }, app.token);
    const config = renderGatewayConfig(app.services.db).toml;
    const auditBefore = (await app.core.call('audit:list', {}, app.token)).length;
    const bad = [
      { ...issuer, hs256Secret: 'too-short' },
      { ...issuer, jwksUrl: 'http://idp.example.com/jwks' },
      { ...issuer, algorithms: ['HS256' as const] },
      { ...issuer, publicKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      { ...issuer, issuer: '' },
    ];
    for (const input of bad) expect((await failure(app.core.call('gatewayJwt:set', input, app.token))).code).toBe('INVALID_INPUT');
    expect((await failure(app.core.call('gatewayJwt:set', { ...issuer, clockToleranceS: 3600 }, app.token))).message).toContain('clockToleranceS: must be at most 300 seconds');
    expect(renderGatewayConfig(app.services.db).toml).toBe(config);
    expect(app.services.vault.list(JWT_SECRET_KIND)).toEqual([]);
    expect((await app.core.call('audit:list', {}, app.token)).length).toBe(auditBefore);
  });

  it('only admins change it (user:manage); every role sees it', async () => {
    await app.core.call('users:create', { username: 'devon', password: 'devops password 1', role: 'devops' }, app.token);
    const devon = (await app.core.call('auth:signIn', { username: 'devon', password: 'devops password 1' })).token;
    await app.core.call('gatewayJwt:set', { ...issuer, jwksUrl: 'https://idp.example.com/jwks' }, app.token);
    expect(await app.core.call('gatewayJwt:get', {}, devon)).toMatchObject(issuer);
    const refused = await failure(app.core.call('gatewayJwt:set', { ...issuer, audience: 'x' }, devon));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('user:manage') });
    expect((await failure(app.core.call('gatewayJwt:disable', { confirm: true }, devon))).code).toBe('FORBIDDEN');
  });
});
