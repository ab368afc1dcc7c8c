/**
 * Copies one upstream event stream to the client through the provider's translator. Push-based
 * ('data'/'end'/'error' listeners, pause/resume for backpressure) rather than `for await`: leaving
 * an async iterator early — at `[DONE]`, before the body's end was read — destroys the body with an
 * AbortError (a stack trace) and undici then closes the upstream connection, so every stream paid
 * for an error object and a fresh TCP connection. Here whatever follows `[DONE]` (normally just the
 * end of the body) is read and dropped, and the connection goes back to the pool.
 */
import type { Readable } from 'node:stream';
import { GatewayError, toOpenAIError } from '../errors';
import { blockedError } from '../guardrails/engine';
import { GuardedStream } from '../guardrails/stream';
import type { Target } from '../runtime';
import { classifyThrown } from './classify';
import type { AttemptResult, Call } from './types';

export interface PumpOptions {
  started: number;
  /** Restarts the attempt timer: on a stream it bounds each idle gap, not the whole answer. */
  rearm: () => void;
  startStream: (upstreamMs: number) => void;
  timedOut: () => boolean;
}

const ignore = () => undefined;

export function pumpStream(call: Call, target: Target, body: Readable, p: PumpOptions): Promise<AttemptResult> {
  let tr = target.provider.stream(call.op, call.clientWantsUsage);
  const g = call.guard;
  if (g && g.profile.output.length && call.op !== 'embeddings') tr = new GuardedStream(tr, g.profile, g.report, (rule) => blockedError(g.profile.name, { rule, direction: 'output' }));
  if (call.shape) tr = call.shape.stream(tr);
  const res = call.res;
  let sent = false;
  let upstreamMs = 0;
  body.setEncoding('utf8');

  /** After the last event (or a broken stream): the client's ending and the attempt's result. */
  const conclude = (): AttemptResult => {
    if (tr.error && !sent) {
      body.destroy();
      return { kind: 'fail', error: new GatewayError('upstream_error', `${target.provider.name}: ${tr.error}`), retryable: true, breakerFailure: true, upstreamMs: performance.now() - p.started };
    }
    if (tr.error) {
      body.destroy();
      // Tokens already reached the client: retrying would duplicate them, so say what happened instead.
      const last = `data: ${JSON.stringify(toOpenAIError(new GatewayError('upstream_error', tr.error)))}\n\n`;
      call.capture?.add(last);
      res.end(last);
      return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: false, brokenStream: true };
    }
    if (!sent) p.startStream(performance.now() - p.started);
    res.end();
    return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: false };
  };

  return new Promise<AttemptResult>((resolve) => {
    let finished = false;
    const finish = (r: AttemptResult) => {
      if (finished) return;
      finished = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      // The rest of the body is read and dropped; an error in it has nobody left to tell.
      body.on('error', ignore);
      body.resume();
      resolve(r);
    };
    const onData = (text: string) => {
      if (!sent) upstreamMs = performance.now() - p.started;
      p.rearm();
      let out: string;
      try {
        out = tr.push(text);
      } catch (err) {
        // A translator that throws is a broken stream, as it was inside the old loop's try.
        return onError(err);
      }
      if (tr.error) return finish(conclude());
      if (out) {
        if (!sent) {
          p.startStream(upstreamMs);
          sent = true;
        }
        call.capture?.add(out);
        if (!res.write(out)) {
          body.pause();
          whenDrained(res, call.clientGone, () => body.resume());
        }
      }
      if (tr.done) finish(conclude());
    };
    const onEnd = () => {
      if (!tr.done && !tr.error) tr.end();
      finish(conclude());
    };
    const onError = (err: unknown) => {
      if (call.clientGone.aborted) return finish({ kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: true });
      if (!sent) return finish(classifyThrown(target.provider, err, p.timedOut(), performance.now() - p.started));
      tr.error = p.timedOut() ? 'upstream stream timed out' : 'upstream connection was lost mid-stream';
      finish(conclude());
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
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
