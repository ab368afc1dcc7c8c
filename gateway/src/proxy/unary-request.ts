/**
 * One buffered upstream request on undici's dispatch API, for TLS origins (plain-http origins use
 * upstream/h1-pool.ts): the answer's chunks go straight into an array, with no Readable stream,
 * async iterator or event listeners in between.
 */
import type { Dispatcher, Pool } from 'undici';
import type { UnaryResponse } from '../upstream/h1-pool';
import { ERROR_BODY_LIMIT } from './classify';

class Collector implements Dispatcher.DispatchHandler {
  private chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private retryAfter: string | undefined;

  constructor(
    private readonly resolve: (r: UnaryResponse) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  onRequestStart(): void {
    this.chunks = [];
    this.size = 0;
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    const ra = headers['retry-after'];
    this.retryAfter = typeof ra === 'string' ? ra : undefined;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.status !== 200 && this.size >= ERROR_BODY_LIMIT) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    const c = this.chunks;
    this.resolve({ status: this.status, retryAfter: this.retryAfter, body: c.length === 1 ? c[0]! : Buffer.concat(c, this.size) });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.reject(err);
  }
}

export function unaryRequest(pool: Pool, opts: Dispatcher.DispatchOptions): Promise<UnaryResponse> {
  return new Promise((resolve, reject) => {
    pool.dispatch(opts, new Collector(resolve, reject));
  });
}
