import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, issueCertificate } from './certificates';

describe('certificates', () => {
  it('issues a server certificate that a real TLS client accepts against the CA, and only for its names', async () => {
    const ca = await createCertificateAuthority('Foundry test CA');
    const leaf = await issueCertificate(ca, { commonName: 'foundry-gateway', dnsNames: ['foundry-gateway.foundry-system.svc', 'localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });

    const x509 = new X509Certificate(leaf.certPem);
    const caX509 = new X509Certificate(ca.certPem);
    expect(caX509.ca).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.checkIssued(caX509)).toBe(true);
    expect(x509.verify(caX509.publicKey)).toBe(true);
    expect(x509.subjectAltName).toContain('DNS:foundry-gateway.foundry-system.svc');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');

    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('hello over tls'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const handshake = (servername: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, ca: ca.certPem, servername }, () => {
          resolve(socket.authorized ? 'authorized' : String(socket.authorizationError));
          socket.end();
        });
        socket.on('error', (e) => resolve(e.message));
      });
    expect(await handshake('localhost')).toBe('authorized');
    expect(await handshake('other.example')).toMatch(/altnames|Hostname/i);
    await new Promise((r) => server.close(r));
  }, 30_000);

  it('gives every certificate a distinct positive serial', async () => {
    const ca = await createCertificateAuthority('CA');
    const a = new X509Certificate((await issueCertificate(ca, { commonName: 'a', usage: 'client' })).certPem);
    const b = new X509Certificate((await issueCertificate(ca, { commonName: 'b', usage: 'client' })).certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(parseInt(a.serialNumber[0]!, 16)).toBeLessThan(8);
  }, 30_000);
});
