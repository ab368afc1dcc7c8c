/**
 * Images in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2, …). Every request is signed
 * with AWS Signature V4 (aws4); the body hash is signed too (x-amz-content-sha256), so a store
 * that verifies signatures rejects anything altered on the way.
 */
import aws4 from 'aws4';
import type { Pool } from 'undici';
import type { ObjectStore, StoredObject } from './store';
import { storageError } from './store';

export interface S3Options {
  endpoint: string;
  bucket: string;
  region: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  pool: (origin: string) => Pool;
}

const TIMEOUT_MS = 30_000;

/** aws4 leaves Content-Length a number; undici wants strings. */
export function stringHeaders(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = String(v);
  return out;
}

/** `<Code>` and `<Message>` of an S3 error document, for the operator; never the request itself. */
function s3ErrorSummary(status: number, xml: string): string {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(xml)?.[1];
  return `S3 answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
}

export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly origin: string;
  private readonly host: string;
  private readonly basePath: string;
  private readonly creds: { accessKeyId: string; secretAccessKey: string };

  constructor(private readonly o: S3Options) {
    const u = new URL(o.endpoint);
    const path = u.pathname.replace(/\/$/, '');
    if (o.forcePathStyle) {
      this.host = u.host;
      this.origin = u.origin;
      this.basePath = `${path}/${o.bucket}/`;
    } else {
      this.host = `${o.bucket}.${u.host}`;
      this.origin = `${u.protocol}//${this.host}`;
      this.basePath = `${path}/`;
    }
    this.creds = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
  }

  private signed(method: 'PUT' | 'GET', key: string, body?: Buffer, contentType?: string) {
    const path = this.basePath + this.o.prefix + key;
    const headers: Record<string, string> = {};
    if (contentType) headers['Content-Type'] = contentType;
    const req = aws4.sign({ host: this.host, path, method, service: 's3', region: this.o.region, headers, body }, this.creds);
    return { path, headers: stringHeaders(req.headers) };
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const { path, headers } = this.signed('PUT', key, bytes, contentType);
    let res;
    try {
      res = await this.o.pool(this.origin).request({ path, method: 'PUT', headers, body: bytes, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    } catch (err) {
      throw storageError(`cannot reach the S3 endpoint (${(err as { code?: string }).code ?? 'error'})`, err);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) throw storageError(s3ErrorSummary(res.statusCode, text));
  }

  async get(key: string): Promise<StoredObject | null> {
    const { path, headers } = this.signed('GET', key);
    let res;
    try {
      res = await this.o.pool(this.origin).request({ path, method: 'GET', headers, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    } catch (err) {
      throw storageError(`cannot reach the S3 endpoint (${(err as { code?: string }).code ?? 'error'})`, err);
    }
    if (res.statusCode === 404) {
      await res.body.dump();
      return null;
    }
    if (res.statusCode !== 200) throw storageError(s3ErrorSummary(res.statusCode, await res.body.text()));
    const length = Number(res.headers['content-length']);
    const type = res.headers['content-type'];
    return { body: res.body, length: Number.isFinite(length) ? length : -1, contentType: typeof type === 'string' ? type : 'application/octet-stream' };
  }

  close(): void {
    // Connection pools are shared state of the gateway and closed with it.
  }
}
