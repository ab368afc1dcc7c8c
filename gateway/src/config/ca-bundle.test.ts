import { describe, expect, it } from 'vitest';
import { createTestCa, issueServerCert } from '../../test-support/test-ca';
import { checkCaBundle } from './ca-bundle';

const ca = createTestCa({ commonName: 'Acme Internal Root' });
const second = createTestCa({ commonName: 'Acme Internal Issuing' });

describe('CA bundle check', () => {
  it('accepts one or more PEM CA certificates (CRLF, comments between blocks) and describes them', () => {
    const crlf = ca.certPem.replace(/\r?\n/g, '\r\n');
    const lf = second.certPem.replace(/\r\n/g, '\n');
    const r = checkCaBundle(`# Acme roots\r\n${crlf}\nsome text\n${lf}`, Date.now());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.certificates.map((c) => c.subject)).toEqual(['Acme Internal Root', 'Acme Internal Issuing']);
    expect(r.certificates[0]!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Date(r.certificates[0]!.notAfter).getTime()).toBeGreaterThan(Date.now());
    // Normalised: only the certificate blocks, LF line ends.
    expect(r.pem).not.toContain('\r');
    expect(r.pem).not.toContain('Acme roots');
    expect(r.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('refuses text that is not PEM, a DER file read as text, and a damaged certificate', () => {
    expect(checkCaBundle('hello')).toEqual({ ok: false, error: expect.stringMatching(/^holds no PEM certificate; give the CA certificate in PEM form/) });
    expect(checkCaBundle(Buffer.from([0x30, 0x82, 0x03, 0x0a]).toString('latin1')).ok).toBe(false);
    const damaged = ca.certPem.replace(/\n([A-Za-z0-9+/]{20})/, '\n!!!!$1');
    expect(checkCaBundle(damaged)).toEqual({ ok: false, error: expect.stringMatching(/^certificate 1 cannot be read \(.+\); export it again as PEM/) });
  });

  it('refuses a bundle whose last block was cut off instead of silently dropping it', () => {
    const cut = `${ca.certPem}${second.certPem.slice(0, 200)}`;
    expect(checkCaBundle(cut)).toEqual({ ok: false, error: expect.stringMatching(/^has a -----BEGIN line without its matching -----END line/) });
  });

  it('refuses a server certificate (not a CA), naming it', () => {
    const leaf = issueServerCert(ca);
    expect(checkCaBundle(`${ca.certPem}${leaf.certPem}`)).toEqual({ ok: false, error: expect.stringMatching(/^certificate 2 \("private-llm.internal"\) is not a certificate authority/) });
    expect(checkCaBundle(createTestCa({ isCa: false, commonName: 'not-a-ca' }).certPem).ok).toBe(false);
  });

  it('refuses a private key without echoing it, and other PEM blocks', () => {
    const r = checkCaBundle(`${ca.certPem}${ca.keyPem}`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/contains a private key/);
    expect(r.error).not.toContain(ca.keyPem.split('\n')[1]!);
    expect(checkCaBundle('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toEqual({ ok: false, error: expect.stringMatching(/"PUBLIC KEY" block/) });
  });

  it('refuses an expired CA only when asked to check dates (the desktop does; a running gateway does not)', () => {
    const old = createTestCa({ notAfterDays: -1, commonName: 'Old Root' });
    expect(checkCaBundle(old.certPem, Date.now())).toEqual({ ok: false, error: expect.stringMatching(/^certificate 1 \("Old Root"\) expired on \d{4}-\d{2}-\d{2}T/) });
    expect(checkCaBundle(old.certPem).ok).toBe(true);
  });

  it('refuses a bundle over the size cap', () => {
    expect(checkCaBundle('x'.repeat(600 * 1024))).toEqual({ ok: false, error: expect.stringMatching(/^is larger than 512 KiB/) });
  });
});
