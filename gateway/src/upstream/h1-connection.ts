/**
 * One keep-alive HTTP/1.1 connection of an H1Pool (h1-pool.ts): writes a request as one corked
 * head + body, frames the answer with the strict parser and hands it to the request's handler as
 * it arrives, then reports back to its pool when it is free again, broken, or closed. A request
 * that meets a keep-alive connection the server has just closed goes out once more on a new one.
 *
 * Handlers speak the subset of undici's DispatchHandler that the gateway uses (start, data, end,
 * error, with a controller that aborts, pauses and resumes), so the stream pump runs unchanged on
 * either client.
 */
import { connect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { ResponseParser, type ResponseHead, type ResponseSink } from './h1-response';

export interface H1Request {
  path: string;
  /** Lower-case names; values are checked for CR, LF and NUL before anything is written. */
  headers: Record<string, string>;
  body: string | Buffer;
  /** No byte from the upstream for this long fails the request with code H1_TIMEOUT. */
  timeoutMs: number;
}

export interface H1PoolOptions {
  connections: number;
  /** Idle connections close after this long, or 1 s before the server's own Keep-Alive timeout. */
  keepAliveMs: number;
  connectTimeoutMs: number;
  /** Bodies of non-200 answers are only read for their error message: kept up to this size. */
  errorBodyLimit: number;
  /** A 200 answer larger than this fails with H1_RESPONSE_TOO_LARGE rather than fill memory. */
  maxResponseBytes?: number;
}

export class H1Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of undici's handler interface an H1 request calls. */
export type H1Handler = Pick<Required<Dispatcher.DispatchHandler>, 'onResponseStart' | 'onResponseData' | 'onResponseEnd' | 'onResponseError'> & Pick<Dispatcher.DispatchHandler, 'onRequestStart'>;

/** What a connection needs from its pool. */
export interface ConnOwner {
  readonly options: H1PoolOptions;
  /** The Host header value. */
  readonly host: string;
  release(c: Conn): void;
  enqueue(job: Job, fresh: boolean): void;
  dequeue(job: Job): void;
  discard(c: Conn): void;
  closed(c: Conn): void;
}

/** Answers without a Retry-After, and every answer's trailers (the parser drops them): one shared empty object. */
const NO_HEADERS = Object.freeze({});

/** One request from queueing to its last callback; its controller for the handler. */
export class Job implements Dispatcher.DispatchController {
  conn: Conn | null = null;
  /** Whether this request already went out once on a reused connection that died before answering. */
  retried = false;
  /** Set once the handler has had its last callback (end or error). */
  settled = false;
  private _aborted = false;
  private _paused = false;
  private _reason: Error | null = null;

  constructor(
    readonly req: H1Request,
    readonly handler: H1Handler,
    private readonly owner: ConnOwner,
  ) {}

  get aborted(): boolean {
    return this._aborted;
  }
  get paused(): boolean {
    return this._paused;
  }
  get reason(): Error | null {
    return this._reason;
  }

  /** HTTP/1.1 cannot cancel a request in flight: its connection is closed. */
  abort(reason: Error): void {
    if (this._aborted || this.settled) return;
    this._aborted = true;
    this._reason = reason;
    const c = this.conn;
    if (c) c.drop();
    else this.owner.dequeue(this);
    this.error(reason);
  }

  pause(): void {
    this._paused = true;
    this.conn?.pause();
  }

  resume(): void {
    this._paused = false;
    this.conn?.resume();
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onResponseEnd(this, NO_HEADERS);
  }

  error(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onResponseError(this, err);
  }
}

export class Conn implements ResponseSink {
  readonly socket: Socket;
  parser: ResponseParser | null = null;
  job: Job | null = null;
  /** Requests this connection has carried: a first request cannot have met a stale keep-alive. */
  served = 0;
  received = 0;
  idleMs: number;
  idleSince = 0;
  /** performance.now() when the current request went out. */
  private sentAt = 0;
  /** The socket's inactivity timeout as last set: re-arming it allocates, so it is set only when it changes. */
  private armed: number;
  private reusable = false;

  constructor(
    private readonly pool: ConnOwner,
    host: string,
    port: number,
  ) {
    this.idleMs = pool.options.keepAliveMs;
    this.armed = pool.options.connectTimeoutMs;
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setTimeout(this.armed);
    this.socket.once('connect', () => {
      if (this.job && !this.job.paused) this.arm(this.job.req.timeoutMs);
    });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('timeout', () => this.onTimeout());
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(new H1Error(e.code ?? 'ECONNRESET', e.message)));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => {
      if (this.job) this.fail(new H1Error('ECONNRESET', 'upstream closed the connection'));
      this.pool.closed(this);
    });
  }

  send(job: Job): void {
    this.job = job;
    job.conn = this;
    this.received = 0;
    this.reusable = false;
    this.parser = new ResponseParser(this);
    const { path, headers, body, timeoutMs } = job.req;
    let head = `POST ${path} HTTP/1.1\r\nhost: ${this.pool.host}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    head += `content-length: ${bytes}\r\n\r\n`;
    this.sentAt = performance.now();
    if (job.paused) this.pause();
    else if (!this.socket.connecting) this.arm(timeoutMs);
    this.socket.cork();
    this.socket.write(head, 'latin1');
    this.socket.write(body);
    this.socket.uncork();
  }

  head(h: ResponseHead): void {
    if (h.keepAliveS !== undefined) this.idleMs = Math.min(this.pool.options.keepAliveMs, Math.max(0, h.keepAliveS * 1000 - 1000));
    const job = this.job;
    if (job) job.handler.onResponseStart(job, h.status, h.retryAfter === undefined ? NO_HEADERS : { 'retry-after': h.retryAfter });
  }

  data(chunk: Buffer): void {
    const job = this.job;
    if (job) job.handler.onResponseData(job, chunk);
  }

  end(reusable: boolean): void {
    this.reusable = reusable;
  }

  /** The job let go of this connection (it aborted): nothing more reaches it, and the connection closes. */
  drop(): void {
    if (this.job) this.job.conn = null;
    this.job = null;
    this.parser = null;
    this.socket.destroy();
  }

  /** A paused job reads nothing; the upstream waits on TCP backpressure, and no timeout runs meanwhile. */
  pause(): void {
    this.socket.pause();
    this.arm(0);
  }

  resume(): void {
    this.socket.resume();
    if (this.job) this.arm(this.job.req.timeoutMs);
  }

  private arm(ms: number): void {
    if (ms === this.armed) return;
    this.armed = ms;
    this.socket.setTimeout(ms);
  }

  /** The answer ended: the connection goes back to the pool (or closes), then the handler hears of it. */
  private complete(): void {
    const job = this.job!;
    job.conn = null;
    this.job = null;
    this.parser = null;
    this.served += 1;
    if (this.reusable) this.pool.release(this);
    else this.socket.destroy();
    job.end();
  }

  private onData(d: Buffer): void {
    const p = this.parser;
    if (!p) return this.fail(new H1Error('H1_PROTOCOL', 'upstream sent bytes on an idle connection'));
    this.received += d.length;
    try {
      p.push(d);
    } catch (e) {
      // Bytes after a complete answer: the answer stands, the connection is not trusted again.
      if (!p.done) return this.fail(e instanceof H1Error ? e : new H1Error('H1_PROTOCOL', (e as Error).message));
      this.reusable = false;
    }
    if (p.done && this.parser === p) this.complete();
  }

  private onEnd(): void {
    const p = this.parser;
    if (p) {
      try {
        p.eof();
      } catch (e) {
        return this.fail(new H1Error('ECONNRESET', (e as Error).message));
      }
      if (p.done && this.parser === p) this.complete();
    }
    this.socket.destroy();
  }

  private onTimeout(): void {
    // The timer is re-armed only when the timeout value changes, so one that ran out while the
    // connection sat idle can fire just after a new request went out: that request still has its time.
    const job = this.job;
    if (job && !this.socket.connecting && performance.now() - this.sentAt < job.req.timeoutMs - 1) {
      this.armed = -1;
      return this.arm(job.req.timeoutMs);
    }
    if (job) this.fail(new H1Error(this.socket.connecting ? 'H1_CONNECT_TIMEOUT' : 'H1_TIMEOUT', this.socket.connecting ? 'connect timed out' : 'upstream did not answer in time'));
    else this.pool.discard(this);
  }

  /** Ends the connection; a request on it fails, or goes out once more if it met a stale keep-alive. */
  fail(err: H1Error): void {
    const job = this.job;
    this.job = null;
    this.parser = null;
    this.socket.destroy();
    if (!job) return;
    job.conn = null;
    // A server may close an idle keep-alive connection just as a request is written to it; the
    // request never reached it, and it goes out again once on a new connection (as browsers do).
    const stale = this.served > 0 && this.received === 0 && !job.retried && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
    if (stale) {
      job.retried = true;
      this.pool.enqueue(job, true);
    } else job.error(err);
  }
}
