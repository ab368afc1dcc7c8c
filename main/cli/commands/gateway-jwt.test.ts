import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keychainTestsAvailable, tempDir } from '../../core/testing/harness';
import { cliRunner } from '../testing';
import { createTestCa, issueServerCert } from '../../../gateway/test-support/test-ca';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

/** `foundry gateway jwt` as a user runs it: separate processes on a real FOUNDRY_HOME (the vault on the real keychain). */
const available = await keychainTestsAvailable();

describe.skipIf(!available)('foundry gateway jwt', () => {
  const home = tempDir();
  const files = tempDir('foundry-jwt-cli-');
  const foundry = cliRunner(home.path);
  const SECRET = `hs256-${Math.random().toString(36).slice(2)}-cli-secret-0123456789abcdef`;

  beforeAll(() => {
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
  });
  afterAll(() => {
    home.remove();
    files.remove();
  });

  it('is off until set; a JWKS issuer is shown with its defaults and lands in the rendered config', () => {
    expect(foundry(['gateway', 'jwt', 'show']).out).toContain('Gateway JWT authentication: off');
    const noIssuer = foundry(['gateway', 'jwt', 'set', '--audience', 'foundry-gateway', '--jwks-url', 'https://idp.example.com/jwks']);
    expect(noIssuer.code).toBe(2);
    expect(noIssuer.err).toContain('--issuer is required: no issuer is set yet. Nothing was changed.');

    const set = foundry(['gateway', 'jwt', 'set', '--issuer', 'https://idp.example.com', '--audience', 'foundry-gateway', '--jwks-url', 'https://idp.example.com/.well-known/jwks.json']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('Enabled gateway JWT authentication. Synced gateways pick it up automatically.');
    expect(set.out).toMatch(/algorithms:\s+RS256, ES256/);
    expect(set.out).toMatch(/project claim:\s+project/);
    const toml = foundry(['gateway', 'config']).out;
    expect(toml).toContain('[auth.jwt]');
    expect(toml).toContain('jwks_url = "https://idp.example.com/.well-known/jwks.json"');
  });

  it('trusts a private CA for the key set from a file, shows it by subject and fingerprint, sets the cache time, and clears it', () => {
    const ca = createTestCa({ commonName: 'CLI IdP CA' });
    const caFile = join(files.path, 'idp-ca.pem');
    writeFileSync(caFile, ca.certPem);
    const set = foundry(['gateway', 'jwt', 'set', '--jwks-ca-file', caFile, '--jwks-cache-minutes', '60']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/key set CA:\s+CLI IdP CA \(SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}, until /);
    expect(set.out).toMatch(/key set cache:\s+60 min/);
    const toml = foundry(['gateway', 'config']).out;
    expect(toml).toMatch(/jwks_ca_file = "\/etc\/foundry-gateway\/secrets\/jwt-jwks-ca-[0-9a-f]{16}\.pem"/);
    expect(toml).toContain('jwks_cache_ms = 3600000');
    const leaf = join(files.path, 'leaf.pem');
    writeFileSync(leaf, issueServerCert(ca).certPem);
    expect(foundry(['gateway', 'jwt', 'set', '--jwks-ca-file', leaf]).err).toContain('jwksCaBundle: certificate 1 ("private-llm.internal") is not a certificate authority');
    expect(foundry(['gateway', 'jwt', 'set', '--jwks-cache-minutes', '0']).err).toContain('--jwks-cache-minutes "0" is not a whole number of minutes from 1 to 1440 (24 hours).');
    expect(foundry(['gateway', 'jwt', 'set', '--jwks-ca-file', caFile, '--clear-jwks-ca']).err).toContain('Give either --jwks-ca-file or --clear-jwks-ca, not both.');
    const cleared = foundry(['gateway', 'jwt', 'set', '--clear-jwks-ca', '--jwks-cache-minutes', '10']);
    expect(cleared.code, cleared.err).toBe(0);
    expect(cleared.out).toMatch(/key set CA:\s+system roots/);
    expect(foundry(['gateway', 'config']).out).not.toMatch(/jwks_ca_file|jwks_cache_ms/);
  });

  it('refuses a secret on the command line, plain-http key sets and bad files with the reason; nothing changes', () => {
    const before = foundry(['gateway', 'jwt', 'show', '--json']).out;
    const argv = foundry(['gateway', 'jwt', 'set', '--hs256-secret', SECRET]);
    expect(argv.code).toBe(2);
    expect(argv.err).toContain('The HS256 secret is not taken on the command line');
    expect(argv.err).not.toContain(SECRET);
    const http = foundry(['gateway', 'jwt', 'set', '--jwks-url', 'http://idp.example.com/jwks']);
    expect(http.code).toBe(2);
    expect(http.err).toContain('jwksUrl: must use https');
    const missing = foundry(['gateway', 'jwt', 'set', '--public-key-file', join(files.path, 'nope.pem')]);
    expect(missing.err).toContain('cannot be read (no such file)');
    const priv = join(files.path, 'private.pem');
    writeFileSync(priv, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(foundry(['gateway', 'jwt', 'set', '--public-key-file', priv]).err).toContain('publicKeyPem: contains a private key');
    expect(foundry(['gateway', 'jwt', 'set', '--algorithm', 'PS256']).err).toContain('--algorithm PS256 is not one the gateway verifies');
    expect(foundry(['gateway', 'jwt', 'show', '--json']).out).toBe(before);
  });

  it('changes only what is given, takes the HS256 secret from the environment or stdin, and never prints it', () => {
    const audience = foundry(['gateway', 'jwt', 'set', '--audience', 'gw-2', '--clock-tolerance', '30']);
    expect(audience.code, audience.err).toBe(0);
    expect(audience.out).toMatch(/Changed gateway JWT authentication\./);
    expect(audience.out).toMatch(/issuer:\s+https:\/\/idp\.example\.com/);
    expect(audience.out).toMatch(/key:\s+JWKS https:\/\/idp\.example\.com\/\.well-known\/jwks\.json/);
    expect(audience.out).toMatch(/clock tolerance: 30 s/);

    process.env.FOUNDRY_TEST_JWT_SECRET = SECRET;
    const env = foundry(['gateway', 'jwt', 'set', '--hs256-secret-env', 'FOUNDRY_TEST_JWT_SECRET']);
    expect(env.code, env.err).toBe(0);
    expect(env.out).toMatch(/key:\s+HS256 shared secret \(set .*; never shown\)/);
    expect(env.out).toMatch(/algorithms:\s+HS256/);
    const stdin = foundry(['gateway', 'jwt', 'set', '--hs256-secret-stdin'], `${SECRET}-rotated\n`);
    expect(stdin.out).toContain('Changed gateway JWT authentication (new secret).');
    for (const out of [env.out, stdin.out, foundry(['gateway', 'jwt', 'show', '--json']).out, foundry(['gateway', 'config']).out, foundry(['audit', 'list', '--json']).out]) expect(out).not.toContain(SECRET);
    expect(foundry(['gateway', 'config']).out).toContain('secret_file = "/etc/foundry-gateway/secrets/jwt-hs256-secret-r2"');
  });

  it('disables only with --confirm, saying that tokens stop working', () => {
    const unconfirmed = foundry(['gateway', 'jwt', 'disable']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain('every gateway refuse every JWT');
    expect(unconfirmed.err).toContain('hint: Run again with --confirm');
    expect(foundry(['gateway', 'jwt', 'show']).out).toContain('authentication: on');
    const off = foundry(['gateway', 'jwt', 'disable', '--confirm']);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toContain('Disabled gateway JWT authentication (issuer https://idp.example.com).');
    expect(foundry(['gateway', 'jwt', 'show']).out).toContain('Gateway JWT authentication: off');
    expect(foundry(['gateway', 'config']).out).not.toContain('[auth.jwt]');
  });
});
