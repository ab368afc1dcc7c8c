/**
 * Certificate authorities and server certificates minted at test time (node-forge signs, Node
 * generates the keys), and an OpenAI-compatible HTTPS upstream on 127.0.0.1 that presents one:
 * what a private endpoint behind an internal CA looks like to the gateway and the desktop.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import forge from 'node-forge';

export interface TestCert {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName?: string;
  /** Days from now; negative values give a certificate that has already expired. */
  notAfterDays?: number;
  /** false: a leaf certificate (CA:FALSE), for the "not a CA" error. */
  isCa?: boolean;
}

function keyPair() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { keyPem: privateKey, key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function base(days: number, publicKey: forge.pki.PublicKey): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - (days < 0 ? 30 : 1) * 86_400_000);
  cert.validity.notAfter = new Date(now + days * 86_400_000);
  return cert;
}

export function createTestCa(o: CaOptions = {}): TestCert {
  const { keyPem, key, publicKey } = keyPair();
  const cert = base(o.notAfterDays ?? 30, publicKey);
  const subject = [{ name: 'commonName', value: o.commonName ?? 'Foundry Test Internal CA' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: o.isCa ?? true, critical: true },
    { name: 'keyUsage', keyCertSign: o.isCa ?? true, cRLSign: o.isCa ?? true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A server certificate for 127.0.0.1 and localhost, signed by `ca`. */
export function issueServerCert(ca: TestCert): TestCert {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { keyPem, publicKey } = keyPair();
  const cert = base(30, publicKey);
  cert.setSubject([{ name: 'commonName', value: 'private-llm.internal' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

export interface TlsUpstream {
  /** https://127.0.0.1:<port> */
  url: string;
  /** POSTs answered (chat completions). */
  received: number;
  close(): Promise<void>;
}

/** GET /v1/models, GET /metrics (vLLM's KV gauges) and non-streaming POST /v1/chat/completions, over TLS with `cert`. */
export async function startTlsUpstream(cert: TestCert, model = 'private-llm'): Promise<TlsUpstream> {
  const state: TlsUpstream = { url: '', received: 0, close: async () => undefined };
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'internal' }] }));
        return;
      }
      if (req.method === 'GET' && req.url === '/metrics') {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(`vllm:gpu_cache_usage_perc{model_name="${model}"} 0.37\nvllm:num_requests_waiting{model_name="${model}"} 2\n`);
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        state.received += 1;
        const body = JSON.parse(raw) as { model: string };
        res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: 'private hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: 'not found' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

export interface TlsJwksServer {
  /** https://127.0.0.1:<port>/jwks.json */
  url: string;
  /** GETs of the key set answered. */
  fetched: number;
  close(): Promise<void>;
}

/** An identity provider's key set over TLS with `cert`: GET /jwks.json answers `{ keys }`; any other path 503. */
export async function startTlsJwks(cert: TestCert, keys: object[]): Promise<TlsJwksServer> {
  const state: TlsJwksServer = { url: '', fetched: 0, close: async () => undefined };
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') {
      state.fetched += 1;
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys }));
      return;
    }
    res.statusCode = 503;
    res.end('unavailable');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `https://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
