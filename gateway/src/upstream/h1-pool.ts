/**
 * A keep-alive pool of plain HTTP/1.1 connections to one upstream origin, for buffered
 * (non-streaming) calls. In-cluster runtimes (vLLM, SGLang, llama.cpp) speak plain HTTP on the pod
 * network, and this is the gateway's hottest path: the request goes out as one write of a
 * pre-built head plus the client's own body bytes, and the answer is framed by a strict parser
 * (h1-response.ts) that reads only the status, the framing and two headers. Compared with undici's
 * dispatch API it skips per-request header validation objects, handler wrapping and a deferred
 * write, which the gateway's benchmark measured (gateway/README.md). TLS origins, streams and
 * everything else keep using undici.
 *
 * Timeouts are inactivity timeouts on the socket (Node re-arms one timer per socket as bytes move),
 * the semantics of undici's headersTimeout/bodyTimeout, so a request allocates no timer; idle
 * connections are closed by one sweep per pool, a second before the server's keep-alive ends.
 */
import { Conn, H1Error, type ConnOwner, type H1PoolOptions, type H1Request, type Pending, type UnaryResponse } from './h1-connection';

export { H1Error, type H1PoolOptions, type H1Request, type UnaryResponse } from './h1-connection';

const SWEEP_MS = 250;
const BAD_VALUE = /[\0\r\n]/;
const BAD_PATH = /[^\x21-\x7e]/;

export class H1Pool implements ConnOwner {
  readonly host: string;
  private readonly hostname: string;
  private readonly port: number;
  private readonly idle: Conn[] = [];
  private readonly queue: Pending[] = [];
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
    return new Promise((resolve, reject) => {
      if (BAD_PATH.test(req.path)) return reject(new H1Error('H1_INVALID_REQUEST', 'request path has a space or control character'));
      for (const name in req.headers) {
        if (BAD_VALUE.test(req.headers[name]!) || BAD_VALUE.test(name) || name.includes(':')) return reject(new H1Error('H1_INVALID_REQUEST', `header ${JSON.stringify(name.slice(0, 40))} has a forbidden character`));
      }
      this.enqueue({ req, resolve, reject, retried: false }, false);
    });
  }

  /** In flight plus idle connections, and requests waiting for one. */
  get stats(): { connections: number; idle: number; queued: number } {
    return { connections: this.all.size, idle: this.idle.length, queued: this.queue.length };
  }

  /** Closes idle connections now and busy ones as their answers end; queued requests fail. */
  close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new H1Error('H1_CLOSED', 'the gateway is shutting down'));
    for (const c of this.idle.splice(0)) c.socket.destroy();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    if (this.all.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.closing = resolve));
  }

  /** @internal */
  enqueue(job: Pending, fresh: boolean): void {
    if (this.closing) return job.reject(new H1Error('H1_CLOSED', 'the gateway is shutting down'));
    const c = fresh ? undefined : this.idle.pop();
    if (c) return c.send(job);
    if (this.all.size < this.options.connections || fresh) return this.open().send(job);
    this.queue.push(job);
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
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    c.socket.destroy();
  }

  /** @internal A socket closed, whatever the reason. */
  closed(c: Conn): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closing && this.all.size === 0) return this.closing();
    // A waiting request takes the freed slot.
    const next = this.queue.shift();
    if (next) this.open().send(next);
  }

  private open(): Conn {
    const c = new Conn(this, this.hostname, this.port);
    this.all.add(c);
    return c;
  }
}
