import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseGatewayConfig } from '../../../gateway/src/config/index';
import { apiKey as gatewayKey, listenGateway, type Running } from '../../../gateway/test-support/harness';
import { createTestCa, issueServerCert, startTlsUpstream, type TestCert, type TlsUpstream } from '../../../gateway/test-support/test-ca';
import { keychainTestsAvailable, tempDir, useAdminCore } from '../testing/harness';
import { renderGatewayConfig, SECRETS_MOUNT } from '../gateway/render';
import { desiredGatewayConfig, gatewaySyncObjects } from '../gateway/sync-objects';

/**
 * An endpoint behind a private CA: its bundle is checked on the way in, kept with the endpoint,
 * used by the desktop's connection test, and shipped to the gateway, which reaches the real HTTPS
 * server on 127.0.0.1 with it (and cannot without it).
 */
const available = await keychainTestsAvailable();

const app = useAdminCore({ when: available });
let ca: TestCert;
let upstream: TlsUpstream;
const dir = tempDir('foundry-endpoint-ca-');

beforeAll(async () => {
  ca = createTestCa({ commonName: 'Acme Internal Root' });
  upstream = await startTlsUpstream(issueServerCert(ca));
});
afterAll(async () => {
  await upstream.close();
  dir.remove();
});

const privateLlm = () => ({ name: 'private-llm', kind: 'openai_compatible' as const, baseUrl: `${upstream.url}/v1`, upstreamModel: 'private-llm' });
const failure = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as { code: string; message: string; details?: { path: string[]; message: string }[] };

describe.skipIf(!available)('an endpoint with a CA bundle', () => {
  it('is stored and shown by its certificates; the connection test trusts it, and fails clearly without it', async () => {
    const plain = await app.core.call('endpoints:create', privateLlm(), app.token);
    expect(plain.caCertificates).toBeNull();
    const untrusted = await app.core.call('endpoints:test', { endpointId: plain.id }, app.token);
    expect(untrusted).toMatchObject({ ok: false, error: { kind: 'tls', message: expect.stringContaining('authority this machine does not trust'), hint: expect.stringContaining('Edit → CA bundle') } });

    const withCa = await app.core.call('endpoints:update', { endpointId: plain.id, caBundle: ca.certPem }, app.token);
    expect(withCa.caCertificates).toEqual([{ subject: 'Acme Internal Root', notBefore: expect.any(String), notAfter: expect.any(String), fingerprint256: expect.stringMatching(/^[0-9A-F:]{95}$/) }]);
    // A new CA is a new connection: the old result no longer describes it.
    expect(withCa.lastTest).toBeNull();
    const trusted = await app.core.call('endpoints:test', { endpointId: plain.id }, app.token);
    expect(trusted).toMatchObject({ ok: true, status: 200, models: ['private-llm'], upstreamModelListed: true });

    // The audit names the CA by fingerprint, never copies the PEM.
    const audit = await app.core.call('audit:list', {}, app.token);
    expect(audit.find((a) => a.action === 'endpoints:update')!.details).toMatchObject({ caCertificates: [withCa.caCertificates![0]!.fingerprint256] });
    expect(JSON.stringify(audit)).not.toContain(ca.certPem.split(/\r?\n/)[1]!);

    const cleared = await app.core.call('endpoints:update', { endpointId: plain.id, caBundle: null }, app.token);
    expect(cleared.caCertificates).toBeNull();
    expect((await app.core.call('endpoints:test', { endpointId: plain.id }, app.token)).error).toMatchObject({ kind: 'tls' });
  });

  it('refuses text that is not PEM, a server certificate, an expired CA, a private key, and a CA on a plain-http URL, by field', async () => {
    const refused = async (caBundle: string, extra: Record<string, unknown> = {}) => {
      const err = await failure(app.core.call('endpoints:create', { ...privateLlm(), caBundle, ...extra }, app.token));
      expect(err.code).toBe('INVALID_INPUT');
      return err.details!.filter((d) => d.path[0] === 'caBundle').map((d) => d.message);
    };
    expect(await refused('MIIDEjCCAfqgAwIBAgIQ')).toEqual([expect.stringMatching(/^holds no PEM certificate; give the CA certificate in PEM form/)]);
    expect(await refused(issueServerCert(ca).certPem)).toEqual([expect.stringMatching(/is not a certificate authority .*give the CA that signed the server's certificate/)]);
    expect(await refused(createTestCa({ notAfterDays: -2, commonName: 'Old Root' }).certPem)).toEqual([expect.stringMatching(/^certificate 1 \("Old Root"\) expired on /)]);
    const withKey = await failure(app.core.call('endpoints:create', { ...privateLlm(), caBundle: `${ca.certPem}${ca.keyPem}` }, app.token));
    expect(withKey.message).toContain('contains a private key');
    expect(withKey.message).not.toContain(ca.keyPem.split(/\r?\n/)[1]!);
    expect(await refused(ca.certPem, { baseUrl: 'http://vllm.models:8000/v1' })).toEqual([expect.stringMatching(/^applies only to https endpoints/)]);
    expect(await app.core.call('endpoints:list', {}, app.token)).toEqual([]);

    // A stored bundle stays with the endpoint across other edits, and blocks a move to plain http.
    const e = await app.core.call('endpoints:create', { ...privateLlm(), caBundle: ca.certPem }, app.token);
    expect((await app.core.call('endpoints:update', { endpointId: e.id, upstreamModel: 'other' }, app.token)).caCertificates).toHaveLength(1);
    const toHttp = await failure(app.core.call('endpoints:update', { endpointId: e.id, baseUrl: 'http://vllm.models:8000/v1' }, app.token));
    expect(toHttp.details).toEqual([{ path: ['caBundle'], message: expect.stringMatching(/^applies only to https endpoints; .* Use the https address, or remove the CA bundle/) }]);
  });

  it('reaches the gateway as a Secret file its provider names, and the gateway trusts it for that provider only', async () => {
    const e = await app.core.call('endpoints:create', { ...privateLlm(), caBundle: ca.certPem }, app.token);
    await app.core.call('endpoints:create', { ...privateLlm(), name: 'private-llm-no-ca' }, app.token);
    const { toml, caFiles } = renderGatewayConfig(app.services.db);
    const parsed = parseGatewayConfig(toml);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const [file] = Object.keys(caFiles);
    expect(file).toMatch(new RegExp(`^endpoint-${e.id}\\.ca-[0-9a-f]{16}\\.pem$`));
    expect(parsed.value.providers['private-llm']!.ca_file).toBe(`${SECRETS_MOUNT}/${file}`);
    expect(parsed.value.providers['private-llm-no-ca']!.ca_file).toBeUndefined();
    expect(toml).not.toContain('BEGIN CERTIFICATE');

    // The Secret a sync applies carries the bundle under that name.
    const desired = desiredGatewayConfig(app.services.db);
    const secret = gatewaySyncObjects(desired, { namespace: 'foundry-system', adminToken: 'admin-token-x', providerKeys: {}, owner: { id: 'desktop-a', host: 'laptop-a' } }).find((o) => o.kind === 'Secret') as unknown as { data: Record<string, string> };
    expect(Buffer.from(secret.data[file!]!, 'base64').toString()).toBe(caFiles[file!]);

    // What the kubelet does with the Secret, then a real gateway on that config.
    const mount = join(dir.path, `secrets-${e.id}`);
    mkdirSync(mount, { recursive: true });
    for (const [name, pem] of Object.entries(caFiles)) writeFileSync(join(mount, name), pem);
    const key = gatewayKey('k-ca', 'p1');
    let gw: Running | undefined;
    try {
      gw = await listenGateway({ ...parsed.value, auth: { api_keys: [key.entry] } }, { env: {}, readFile: (p) => readFileSync(join(mount, relative(SECRETS_MOUNT, p)), 'utf8') });
      const chat = (model: string) => fetch(`${gw!.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
      const ok = await chat('private-llm');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('private hello');
      const refused = await chat('private-llm-no-ca');
      expect(refused.status).toBe(502);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/connection failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    } finally {
      await gw?.close();
    }

    // A replaced bundle is a new file name: the config changes, so every gateway reloads.
    const other = createTestCa({ commonName: 'Acme Internal Root G2' });
    await app.core.call('endpoints:update', { endpointId: e.id, caBundle: other.certPem }, app.token);
    const after = renderGatewayConfig(app.services.db);
    expect(after.toml).not.toBe(toml);
    expect(Object.keys(after.caFiles)).not.toContain(file);
  });
});
