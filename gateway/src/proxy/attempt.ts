/**
 * One try against one target. Non-streaming answers are buffered and handed back; streams are
 * written to the client as they arrive, and once the first byte is out the attempt can no
 * longer fail over: a broken stream ends with an SSE error event, never a silent retry.
 */
import { GatewayError, toOpenAIError } from '../errors';
import type { Target } from '../runtime';
import { classifyStatus, classifyThrown, readLimited } from './classify';
import type { AttemptResult, Call } from './types';

export interface AttemptOptions {
  timeoutMs: number;
  /** Called once with the client bytes and headers for a successful non-streaming answer. */
  deliver: (body: Buffer | string, upstreamMs: number) => void;
  /** Writes stream headers. Called right before the first client byte. */
  startStream: (upstreamMs: number) => void;
}

export async function attempt(call: Call, target: Target, o: AttemptOptions): Promise<AttemptResult> {
  const prepared = target.provider.prepare({ op: call.op, body: call.body, raw: call.raw, upstreamModel: target.upstreamModel, rewriteModel: target.rewriteModel, stream: call.stream, clientWantsUsage: call.clientWantsUsage });
  prepared.headers.traceparent = call.trace.header;
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, o.timeoutMs);
  const onGone = () => ac.abort();
  call.clientGone.addEventListener('abort', onGone);
  const started = performance.now();
  target.state.outstanding += 1;
  try {
    const res = await target.pool.request({
      path: prepared.path,
      method: 'POST',
      headers: prepared.headers,
      body: prepared.body,
      signal: ac.signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
    });
    if (res.statusCode !== 200) {
      const text = await readLimited(res.body);
      const ra = res.headers['retry-after'];
      return classifyStatus(target.provider, res.statusCode, text, typeof ra === 'string' ? ra : undefined, performance.now() - started);
    }
    if (!call.stream) {
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      const upstreamMs = performance.now() - started;
      clearTimeout(timer);
      let out;
      try {
        out = target.provider.response(call.op, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      } catch {
        return { kind: 'fail', error: new GatewayError('upstream_error', `${target.provider.name}: unreadable response body`), retryable: true, breakerFailure: true, upstreamMs };
      }
      o.deliver(out.body, upstreamMs);
      return { kind: 'done', usage: out.usage, deltas: 0, upstreamMs, status: 200, aborted: false };
    }
    return await pumpStream(call, target, res.body, { started, rearm: () => timer.refresh(), startStream: o.startStream, timedOut: () => timedOut });
  } catch (err) {
    if (call.clientGone.aborted) return { kind: 'done', usage: null, deltas: 0, upstreamMs: performance.now() - started, status: 499, aborted: true };
    return classifyThrown(target.provider, err, timedOut, performance.now() - started);
  } finally {
    clearTimeout(timer);
    call.clientGone.removeEventListener('abort', onGone);
    target.state.outstanding -= 1;
  }
}

interface PumpOptions {
  started: number;
  /** Restarts the attempt timer: on a stream it bounds each idle gap, not the whole answer. */
  rearm: () => void;
  startStream: (upstreamMs: number) => void;
  timedOut: () => boolean;
}

async function pumpStream(call: Call, target: Target, body: AsyncIterable<Buffer> & { setEncoding(e: string): unknown; destroy(): void }, p: PumpOptions): Promise<AttemptResult> {
  const tr = target.provider.stream(call.op, call.clientWantsUsage);
  const res = call.res;
  let sent = false;
  let upstreamMs = 0;
  body.setEncoding('utf8');
  try {
    for await (const text of body as AsyncIterable<string>) {
      if (!sent) upstreamMs = performance.now() - p.started;
      p.rearm();
      const out = tr.push(text);
      if (tr.error) break;
      if (out) {
        if (!sent) {
          p.startStream(upstreamMs);
          sent = true;
        }
        if (!res.write(out)) await drained(res, call.clientGone);
      }
      if (tr.done) break;
    }
    if (!tr.done && !tr.error) tr.end();
  } catch (err) {
    if (call.clientGone.aborted) return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: true };
    if (!sent) return classifyThrown(target.provider, err, p.timedOut(), performance.now() - p.started);
    tr.error = p.timedOut() ? 'upstream stream timed out' : 'upstream connection was lost mid-stream';
  }
  if (tr.error && !sent) {
    body.destroy();
    return { kind: 'fail', error: new GatewayError('upstream_error', `${target.provider.name}: ${tr.error}`), retryable: true, breakerFailure: true, upstreamMs: performance.now() - p.started };
  }
  if (tr.error) {
    body.destroy();
    // Tokens already reached the client: retrying would duplicate them, so say what happened instead.
    res.end(`data: ${JSON.stringify(toOpenAIError(new GatewayError('upstream_error', tr.error)))}\n\n`);
    return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: false, brokenStream: true };
  }
  if (!sent) p.startStream(performance.now() - p.started);
  res.end();
  return { kind: 'done', usage: tr.usage, deltas: tr.deltas, upstreamMs, status: 200, aborted: false };
}

function drained(res: NodeJS.WritableStream, gone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    gone.addEventListener('abort', done);
  });
}
