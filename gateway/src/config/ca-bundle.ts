/**
 * CA bundles for providers and identity providers behind a private certificate authority
 * (`providers.<name>.ca_file`, `auth.jwt.jwks_ca_file`).
 * The gateway checks a bundle when it loads the config and the desktop checks one before storing
 * it, with this one function: PEM certificates only (a private key pasted by mistake is refused,
 * and never echoed), each one a CA, parsed by Node's own X.509 code.
 */
import { X509Certificate } from 'node:crypto';

export interface CaCertificate {
  subject: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
}

export type CaBundleResult = { ok: true; pem: string; certificates: CaCertificate[] } | { ok: false; error: string };

/** A generous cap: public root stores are ~200 KB; a private bundle is a few KB. */
export const CA_BUNDLE_MAX_BYTES = 512 * 1024;
const MAX_CERTIFICATES = 200;
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END \1-----/g;

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 200);

function subjectOf(cert: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return (cn ?? cert.subject.replace(/\n/g, ', ')).slice(0, 200);
}

/**
 * Parses and checks a PEM bundle. `now` (ms), when given, also refuses a certificate that has
 * expired or is not valid yet: the desktop passes it; the gateway does not (an expiring CA must not
 * stop a gateway from starting; TLS then fails with "certificate has expired", which is the truth).
 */
export function checkCaBundle(text: string, now?: number): CaBundleResult {
  if (Buffer.byteLength(text) > CA_BUNDLE_MAX_BYTES) return { ok: false, error: `is larger than ${CA_BUNDLE_MAX_BYTES / 1024} KiB; give only the CA certificates the endpoint needs` };
  const certificates: CaCertificate[] = [];
  const pems: string[] = [];
  // Windows tools and some exporters write CRLF (or stray CRs); PEM means the same without them.
  const lf = text.replace(/\r/g, '');
  const blocks = [...lf.matchAll(BLOCK)];
  const begun = lf.match(/-----BEGIN /g)?.length ?? 0;
  if (begun > blocks.length) return { ok: false, error: 'has a -----BEGIN line without its matching -----END line; the bundle was cut off or edited, copy it again whole' };
  for (const m of blocks) {
    const label = m[1]!;
    if (label.includes('PRIVATE KEY')) return { ok: false, error: 'contains a private key; give only the CA certificate(s) (-----BEGIN CERTIFICATE-----), and treat that key as exposed' };
    if (label !== 'CERTIFICATE') return { ok: false, error: `contains a "${label}" block; only CERTIFICATE blocks belong in a CA bundle` };
    const n = pems.length + 1;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(m[0]);
    } catch (err) {
      return { ok: false, error: `certificate ${n} cannot be read (${firstLine((err as Error).message)}); export it again as PEM` };
    }
    const subject = subjectOf(cert);
    if (!cert.ca) return { ok: false, error: `certificate ${n} ("${subject}") is not a certificate authority (no basicConstraints CA:TRUE); give the CA that signed the server's certificate, not the server's own certificate` };
    const notBefore = new Date(cert.validFrom);
    const notAfter = new Date(cert.validTo);
    if (now !== undefined && notAfter.getTime() <= now) return { ok: false, error: `certificate ${n} ("${subject}") expired on ${notAfter.toISOString()}; get the CA's current certificate` };
    if (now !== undefined && notBefore.getTime() > now) return { ok: false, error: `certificate ${n} ("${subject}") is not valid until ${notBefore.toISOString()}; check this machine's clock or the certificate` };
    certificates.push({ subject, notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), fingerprint256: cert.fingerprint256 });
    pems.push(m[0]);
    if (pems.length > MAX_CERTIFICATES) return { ok: false, error: `holds more than ${MAX_CERTIFICATES} certificates; give only the CA certificates the endpoint needs` };
  }
  if (pems.length === 0) return { ok: false, error: 'holds no PEM certificate; give the CA certificate in PEM form (text starting with -----BEGIN CERTIFICATE-----), e.g. `openssl x509 -in ca.der -inform der -out ca.pem`' };
  return { ok: true, pem: `${pems.join('\n')}\n`, certificates };
}
