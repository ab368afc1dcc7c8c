/**
 * One streaming attempt, on the gateway's H1 pool for plain-http origins and on undici's dispatch
 * API for TLS ones (both call the same handler methods): the upstream's event-stream bytes arrive in
 * `onResponseData` and go through the provider's translator straight to the client, with no
 * Readable body or AbortSignal wiring in between (undici's `request()` built both for every stream;
 * the unary path left it the same way, see unary-request.ts). Backpressure is the dispatch
 * controller's pause/resume. The attempt timeout (first byte, then every idle gap) is our own timer,
 * re-armed per chunk: undici's bodyTimeout runs on its coarse shared clock (~0.5 s ticks, and a
 * refresh defers it a tick), so a 150 ms idle limit with chunks every 400 ms never fired.
 *
 * After `[DONE]` the client's answer ends at once; whatever the upstream still sends (normally just
 * the end of its body) is dropped, so the connection goes back to the pool instead of being cut.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { GatewayError, toOpenAIError } from '../errors';
import { blockedError } from '../guardrails/engine';
import { GuardedStream } from '../guardrails/stream';
import { addReportTrailer } from '../guardrails/stream-report';
import type { StreamTranslator } from '../providers/types';
import type { Target } from '../runtime';
import { classifyStatus, classifyThrown, ERROR_BODY_LIMIT, isTimeout } from './classify';
import type { AttemptResult, Call } from './types';

const CLIENT_GONE = new Error('client went away');
const TIMED_OUT = new Error('upstream stream timed out');

export interface StreamRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  timeoutMs: number;
  /** Writes the client's stream headers; called right before the first client byte. */
  startStream: (upstreamMs: number) => void;
}

export function streamAttempt(call: Call, target: Target, r: StreamRequest): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const pump = new StreamPump(call, target, r.startStream, r.timeoutMs, resolve);
    if (target.h1) target.h1.dispatch({ path: r.path, headers: r.headers, body: r.body, timeoutMs: r.timeoutMs }, pump);
    else target.pool.dispatch({ path: r.path, method: 'POST', headers: r.headers, body: r.body, headersTimeout: r.timeoutMs, bodyTimeout: r.timeoutMs }, pump);
  });
}

class StreamPump implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private readonly tr: StreamTranslator;
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private retryAfter: string | undefined;
  private errorText = '';
  private readonly decoder = new StringDecoder('utf8');
  private sent = false;
  private upstreamMs = 0;
  private finished = false;
  private timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onGone = () => this.controller?.abort(CLIENT_GONE);

  constructor(
    private readonly call: Call,
    private readonly target: Target,
    private readonly startStream: (upstreamMs: number) => void,
    timeoutMs: number,
    private readonly resolve: (r: AttemptResult) => void,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller?.abort(TIMED_OUT);
    }, timeoutMs);
    let tr = target.provider.stream(call.op, call.clientWantsUsage, call.body);
    const g = call.guard;
    if (g && g.profile.output.length && call.op !== 'embeddings') tr = new GuardedStream(tr, g.profile, g.report, (rule) => blockedError(g.profile.name, { rule, direction: 'output' }));
    if (call.shape) tr = call.shape.stream(tr);
    this.tr = tr;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.call.clientGone.aborted) controller.abort(CLIENT_GONE);
    else this.call.clientGone.addEventListener('abort', this.onGone);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    const ra = headers['retry-after'];
    this.retryAfter = typeof ra === 'string' ? ra : undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.finished) return;
    if (this.status !== 200) {
      if (this.errorText.length < ERROR_BODY_LIMIT) this.errorText += chunk.toString('utf8');
      return;
    }
    if (!this.sent) this.upstreamMs = performance.now() - this.started;
    this.timer.refresh();
    this.push(this.decoder.write(chunk), controller);
  }

  onResponseEnd(controller: Dispatcher.DispatchController): void {
    if (this.finished) return;
    if (this.status !== 200) {
      return this.finish(classifyStatus(this.target.provider, this.status, this.errorText.slice(0, ERROR_BODY_LIMIT), this.retryAfter, performance.now() - this.started));
    }
    const rest = this.decoder.end();
    if (rest) this.push(rest, controller);
    if (this.finished) return;
    if (!this.tr.done && !this.tr.error) this.tr.end();
    this.end();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.finished) return;
    this.fail(err);
  }

  private fail(err: unknown): void {
    const tr = this.tr;
    // Before an answer started, a client that left is a 499; once it streams, the stream's 200 stands.
    if (this.call.clientGone.aborted) return this.finish({ kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs: this.upstreamMs, status: this.status === 200 ? 200 : 499, aborted: true });
    const timedOut = this.timedOut || isTimeout(err);
    if (!this.sent) return this.finish(classifyThrown(this.target.provider, err, timedOut, performance.now() - this.started));
    tr.error = timedOut ? 'upstream stream timed out' : 'upstream connection was lost mid-stream';
    this.end();
  }

  private push(text: string, controller: Dispatcher.DispatchController): void {
    const tr = this.tr;
    let out: string;
    try {
      out = tr.push(text);
    } catch (err) {
      // A translator that throws is a broken stream, like an upstream that breaks off.
      return this.fail(err);
    }
    if (tr.error) return this.end();
    if (out) {
      if (!this.sent) {
        this.startStream(this.upstreamMs);
        this.sent = true;
      }
      this.call.capture?.add(out);
      if (!this.call.res.write(out)) {
        controller.pause();
        whenDrained(this.call.res, this.call.clientGone, () => controller.resume());
      }
    }
    if (tr.done) this.end();
  }

  /** Finishes with the stream's conclusion. Marked finished first: aborting the upstream in it reports back here. */
  private end(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.call.clientGone.removeEventListener('abort', this.onGone);
    this.resolve(this.conclude());
  }

  /** After the last event (or a broken stream): the client's ending and the attempt's result. */
  private conclude(): AttemptResult {
    const tr = this.tr;
    const res = this.call.res;
    if (tr.error && !this.sent) {
      this.controller?.abort(new Error(tr.error));
      return { kind: 'fail', error: new GatewayError('upstream_error', `${this.target.provider.name}: ${tr.error}`), retryable: true, breakerFailure: true, upstreamMs: performance.now() - this.started };
    }
    if (tr.error) {
      this.controller?.abort(new Error(tr.error));
      // Tokens already reached the client: retrying would duplicate them, so say what happened instead.
      const last = `data: ${JSON.stringify(toOpenAIError(new GatewayError('upstream_error', tr.error)))}\n\n`;
      this.call.capture?.add(last);
      if (this.call.guard) addReportTrailer(res, this.call.guard);
      res.end(last);
      return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs: this.upstreamMs, status: 200, aborted: false, brokenStream: true };
    }
    if (!this.sent) this.startStream(performance.now() - this.started);
    if (this.call.guard) addReportTrailer(res, this.call.guard);
    res.end();
    return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs: this.upstreamMs, status: 200, aborted: false };
  }

  private finish(r: AttemptResult): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.call.clientGone.removeEventListener('abort', this.onGone);
    this.resolve(r);
  }
}

/** Calls `then` once the client's buffer drained or the client went away, whichever is first. */
function whenDrained(res: NodeJS.WritableStream, gone: AbortSignal, then: () => void): void {
  const done = () => {
    res.off('drain', done);
    gone.removeEventListener('abort', done);
    then();
  };
  res.once('drain', done);
  gone.addEventListener('abort', done);
}
