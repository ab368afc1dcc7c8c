/**
 * A real S3-compatible server for tests: moto's server (PyPI `moto[server]`) with IAM
 * authentication on, so every S3 request's SigV4 signature is checked by botocore's own signer
 * (a wrong secret gets 403 SignatureDoesNotMatch). Bootstraps an IAM user, its access key, an
 * s3:* policy and a bucket; the first three IAM calls are the only unauthenticated ones.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import aws4 from 'aws4';
import { stringHeaders } from '../src/images/s3-store';

export interface MotoS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A SigV4-signed request straight to the store, bypassing the gateway. */
  request(method: 'GET' | 'PUT', path: string, body?: Buffer, creds?: { accessKeyId: string; secretAccessKey: string }): Promise<{ status: number; body: Buffer }>;
  close(): Promise<void>;
}

export function haveMoto(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/** fetch sets Content-Length itself (the same value aws4 signed) and refuses a second one. */
function fetchHeaders(h: Record<string, unknown> | undefined): Record<string, string> {
  const out = stringHeaders(h);
  delete out['Content-Length'];
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode}: ${log()}`);
    try {
      // moto's own control API: answers without touching the auth action count.
      const r = await fetch(`${url}/moto-api/`);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not start: ${log()}`);
}

export async function startMotoS3(bucket = 'foundry-images'): Promise<MotoS3> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const host = `127.0.0.1:${port}`;
  let out = '';
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    return await bootstrap(child, endpoint, host, bucket, () => out);
  } catch (err) {
    // A failed start must not leave a server behind: the caller never gets a handle to close.
    child.kill('SIGTERM');
    throw err;
  }
}

async function bootstrap(child: ChildProcess, endpoint: string, host: string, bucket: string, log: () => string): Promise<MotoS3> {
  await waitUp(endpoint, child, log);

  const iam = async (params: Record<string, string>) => {
    const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
    const o = aws4.sign({ host, path: '/', method: 'POST', service: 'iam', region: 'us-east-1', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, { accessKeyId: 'AKIABOOTSTRAP0000000', secretAccessKey: 'bootstrap' });
    const r = await fetch(`${endpoint}/`, { method: 'POST', headers: fetchHeaders(o.headers), body });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`moto IAM ${params.Action}: ${r.status} ${text}`);
    return text;
  };
  await iam({ Action: 'CreateUser', UserName: 'foundry-gateway' });
  const key = await iam({ Action: 'CreateAccessKey', UserName: 'foundry-gateway' });
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  await iam({ Action: 'PutUserPolicy', UserName: 'foundry-gateway', PolicyName: 's3', PolicyDocument: JSON.stringify(policy) });
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(key)![1]!;
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(key)![1]!;

  const request: MotoS3['request'] = async (method, path, body, creds = { accessKeyId, secretAccessKey }) => {
    const o = aws4.sign({ host, path, method, service: 's3', region: 'us-east-1', body }, creds);
    const r = await fetch(`${endpoint}${path}`, { method, headers: fetchHeaders(o.headers), body: body ? new Uint8Array(body) : undefined });
    return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
  };
  const made = await request('PUT', `/${bucket}`);
  if (made.status !== 200) throw new Error(`moto CreateBucket: ${made.status} ${made.body}`);

  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    request,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
