/**
 * A keep-alive pool of plain HTTP/1.1 connections to one upstream origin, for buffered calls
 * (`request`) and streams (`dispatch`). In-cluster runtimes (vLLM, SGLang, llama.cpp) speak plain
 * HTTP on the pod network, and this is the gateway's hottest path: the request goes out as one
 * write of a pre-built head plus the client's own body bytes, and the answer is framed by a strict
 * parser (h1-response.ts) that reads only the status, the framing and two headers. Compared with
 * undici's dispatch API it skips per-request header validation objects, handler wrapping and a
 * deferred write, which the gateway's benchmark measured (gateway/README.md). TLS origins keep
 * using undici.
 *
 * Timeouts are inactivity timeouts on the socket (Node re-arms one timer per socket as bytes move),
 * the semantics of undici's headersTimeout/bodyTimeout, so a request allocates no timer; idle
 * connections are closed by one sweep per pool, a second before the server's keep-alive ends.
 */
import { Conn, H1Error, Job, type ConnOwner, type H1Handler, type H1PoolOptions, type H1Request } from './h1-connection';

export { H1Error, type H1Handler, type H1PoolOptions, type H1Request } from './h1-connection';

export interface UnaryResponse {
  status: number;
  retryAfter: string | undefined;
  body: Buffer;
}

const SWEEP_MS = 250;
const BAD_VALUE = /[\0\r\n]/;
const BAD_PATH = /[^\x21-\x7e]/;

export class H1Pool implements ConnOwner {
  readonly host: string;
  private readonly hostname: string;
  private readonly port: number;
  private readonly idle: Conn[] = [];
  private readonly queue: Job[] = [];
  private readonly all = new Set<Conn>();
  private closing: (() => void) | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    origin: string,
    readonly options: H1PoolOptions,
  ) {
    const u = new URL(origin);
    if (u.protocol !== 'http:') throw new Error(`H1Pool serves plain http origins, not ${u.protocol}`);
    this.host = u.host;
    this.hostname = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
  }

  /** Sends one POST and resolves with the whole answer; rejects with an H1Error (its code says why). */
  request(req: H1Request): Promise<UnaryResponse> {
    return new Promise((resolve, reject) => this.dispatch(req, new Collector(this.options, resolve, reject)));
  }

  /**
   * Sends one POST and hands the answer to `handler` as it arrives, undici's DispatchHandler way:
   * onRequestStart with the controller (abort, pause, resume), then start, data and end, or error.
   */
  dispatch(req: H1Request, handler: H1Handler): void {
    const job = new Job(req, handler, this);
    handler.onRequestStart?.(job, null);
    if (job.aborted) return;
    const invalid = invalidRequest(req);
    if (invalid) return job.error(invalid);
    this.enqueue(job, false);
  }

  /** In flight plus idle connections, and requests waiting for one. */
  get stats(): { connections: number; idle: number; queued: number } {
    return { connections: this.all.size, idle: this.idle.length, queued: this.queue.length };
  }

  /** Closes idle connections now and busy ones as their answers end; queued requests fail. */
  close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.error(new H1Error('H1_CLOSED', 'the gateway is shutting down'));
    for (const c of this.idle.splice(0)) c.socket.destroy();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    if (this.all.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.closing = resolve));
  }

  /** @internal */
  enqueue(job: Job, fresh: boolean): void {
    if (this.closing) return job.error(new H1Error('H1_CLOSED', 'the gateway is shutting down'));
    const c = fresh ? undefined : this.idle.pop();
    if (c) return c.send(job);
    if (this.all.size < this.options.connections || fresh) return this.open().send(job);
    this.queue.push(job);
  }

  /** @internal A queued request was aborted before a connection took it. */
  dequeue(job: Job): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** @internal A connection finished an answer and may carry another. */
  release(c: Conn): void {
    if (this.closing) return void c.socket.destroy();
    const next = this.queue.shift();
    if (next) return c.send(next);
    if (c.idleMs === 0) return void c.socket.destroy();
    c.idleSince = Date.now();
    this.idle.push(c);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  /** Closes connections idle for their keep-alive time (to within SWEEP_MS), before the server does. */
  private sweep(): void {
    const now = Date.now();
    for (const c of [...this.idle]) if (now - c.idleSince >= c.idleMs - SWEEP_MS) this.discard(c);
    if (this.idle.length === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  /** @internal Closes an idle connection, taking it out of the idle list at once (its 'close' event comes later). */
  discard(c: Conn): void {
    this.unidle(c);
    c.socket.destroy();
  }

  /** @internal A socket closed, whatever the reason. */
  closed(c: Conn): void {
    this.all.delete(c);
    this.unidle(c);
    if (this.closing && this.all.size === 0) return this.closing();
    // A waiting request takes the freed slot.
    const next = this.queue.shift();
    if (next) this.open().send(next);
  }

  private unidle(c: Conn): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private open(): Conn {
    const c = new Conn(this, this.hostname, this.port);
    this.all.add(c);
    return c;
  }
}

function invalidRequest(req: H1Request): H1Error | null {
  if (BAD_PATH.test(req.path)) return new H1Error('H1_INVALID_REQUEST', 'request path has a space or control character');
  for (const name in req.headers) {
    if (BAD_VALUE.test(req.headers[name]!) || BAD_VALUE.test(name) || name.includes(':')) return new H1Error('H1_INVALID_REQUEST', `header ${JSON.stringify(name.slice(0, 40))} has a forbidden character`);
  }
  return null;
}

/** Collects a whole answer for `request()`: error bodies up to their limit, success bodies up to the response limit. */
class Collector implements H1Handler {
  private chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private retryAfter: string | undefined;

  constructor(
    private readonly o: H1PoolOptions,
    private readonly resolve: (r: UnaryResponse) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  onResponseStart(_c: unknown, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status;
    this.retryAfter = headers['retry-after'] as string | undefined;
  }

  onResponseData(_c: unknown, chunk: Buffer): void {
    if (this.status !== 200) {
      const room = this.o.errorBodyLimit - this.size;
      if (room <= 0) return;
      if (chunk.length > room) chunk = chunk.subarray(0, room);
    } else if (this.size + chunk.length > (this.o.maxResponseBytes ?? Infinity)) {
      throw new H1Error('H1_RESPONSE_TOO_LARGE', `upstream answer over ${this.o.maxResponseBytes} bytes`);
    }
    this.size += chunk.length;
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const c = this.chunks;
    this.resolve({ status: this.status, retryAfter: this.retryAfter, body: c.length === 1 ? c[0]! : Buffer.concat(c, this.size) });
  }

  onResponseError(_c: unknown, err: Error): void {
    this.reject(err);
  }
}
