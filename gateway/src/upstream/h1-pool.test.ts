import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { H1Pool, type H1Handler, type H1PoolOptions } from './h1-pool';

const OPTS: H1PoolOptions = { connections: 8, keepAliveMs: 30_000, connectTimeoutMs: 2_000, errorBodyLimit: 16_384 };
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

interface Upstream {
  origin: string;
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
}

async function httpUpstream(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void, tweak?: (s: ReturnType<typeof createHttpServer>) => void): Promise<Upstream> {
  const up: Upstream = { origin: '', connections: 0, requests: [] };
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      up.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  tweak?.(server);
  server.on('connection', () => (up.connections += 1));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push({ close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) });
  return up;
}

/** A raw TCP upstream: `onRequest` gets the socket and the request count on that socket. */
async function rawUpstream(onRequest: (socket: Socket, nth: number, conn: number) => void): Promise<{ origin: string; connections: () => number }> {
  let conns = 0;
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((s) => {
    const conn = ++conns;
    sockets.add(s);
    let nth = 0;
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      // Requests from the pool always carry a Content-Length.
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        onRequest(s, ++nth, conn);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(r))) });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => conns };
}

function pool(origin: string, o: Partial<H1PoolOptions> = {}): H1Pool {
  const p = new H1Pool(origin, { ...OPTS, ...o });
  open.push(p);
  return p;
}

const post = (p: H1Pool, body: string | Buffer = '{"model":"m"}', headers: Record<string, string> = { 'content-type': 'application/json' }, timeoutMs = 2_000) => p.request({ path: '/v1/chat/completions', headers, body, timeoutMs });
const OK = (n: number) => `HTTP/1.1 200 OK\r\ncontent-length: ${String(n).length}\r\n\r\n${n}`;

describe('H1Pool', () => {
  it('sends the head and the body bytes unchanged, and reuses one keep-alive connection', async () => {
    const up = await httpUpstream((_q, res, body) => res.end(JSON.stringify({ echo: body })));
    const p = pool(up.origin);
    const body = Buffer.from('{"model":"m","messages":[{"role":"user","content":"héllo"}]}');
    for (let i = 0; i < 20; i++) {
      const r = await post(p, body, { 'content-type': 'application/json', authorization: 'Bearer k', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body.toString())).toEqual({ echo: body.toString('latin1') });
    }
    expect(up.connections).toBe(1);
    const seen = up.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1/chat/completions');
    expect(seen.headers).toMatchObject({ host: new URL(up.origin).host, authorization: 'Bearer k', 'content-length': String(body.length), 'content-type': 'application/json' });
    expect(p.stats).toEqual({ connections: 1, idle: 1, queued: 0 });
  });

  it('takes string bodies, counting their UTF-8 bytes', async () => {
    const up = await httpUpstream((_q, res) => res.end('{}'));
    const text = '{"content":"ünïcödé ✓"}';
    await post(pool(up.origin), text);
    expect(up.requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(Buffer.from(up.requests[0]!.body, 'latin1').toString('utf8')).toBe(text);
  });

  it('holds requests beyond the connection limit in a queue and serves them all', async () => {
    const up = await httpUpstream((_q, res) => setTimeout(() => res.end('{}'), 20));
    const p = pool(up.origin, { connections: 2 });
    const all = Promise.all(Array.from({ length: 10 }, () => post(p)));
    expect(p.stats.queued).toBe(8);
    expect((await all).every((r) => r.status === 200)).toBe(true);
    expect(up.connections).toBe(2);
  });

  it('reads chunked answers and answers without a length, and opens a new connection when told to close', async () => {
    let n = 0;
    const up = await httpUpstream((_q, res) => {
      n += 1;
      if (n === 1) {
        res.write('{"part":');
        res.end('1}');
      } else if (n === 2) {
        res.setHeader('connection', 'close');
        res.end('{"part":2}');
      } else res.end('{"part":3}');
    });
    const p = pool(up.origin);
    expect((await post(p)).body.toString()).toBe('{"part":1}');
    expect((await post(p)).body.toString()).toBe('{"part":2}');
    expect((await post(p)).body.toString()).toBe('{"part":3}');
    expect(up.connections).toBe(2);
  });

  it('sends a request once more on a new connection when a reused one was closed under it', async () => {
    // The second request on every connection meets a server that has just closed it (the keep-alive race).
    const up = await rawUpstream((s, nth) => (nth === 1 ? s.write(OK(nth)) : s.destroy()));
    const p = pool(up.origin);
    expect((await post(p)).status).toBe(200);
    expect((await post(p)).body.toString()).toBe('1');
    expect(up.connections()).toBe(2);
  });

  it('does not resend a request that got part of an answer, nor one on a first connection', async () => {
    const partial = await rawUpstream((s, nth) => (nth === 1 ? s.write(OK(1)) : s.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc')));
    const p = pool(partial.origin);
    await post(p);
    await expect(post(p)).rejects.toMatchObject({ code: 'ECONNRESET', message: 'connection closed mid-response' });
    expect(partial.connections()).toBe(1);
    const refusing = await rawUpstream((s) => s.destroy());
    await expect(post(pool(refusing.origin))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(refusing.connections()).toBe(1);
  });

  it('fails with H1_TIMEOUT when the upstream goes quiet, and drops that connection', async () => {
    const up = await rawUpstream(() => undefined);
    const p = pool(up.origin);
    const t0 = performance.now();
    await expect(post(p, '{}', {}, 150)).rejects.toMatchObject({ code: 'H1_TIMEOUT' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.connections).toBe(0);
  });

  it('reports a refused connection by its errno code', async () => {
    const up = await rawUpstream(() => undefined);
    const port = new URL(up.origin).port;
    await open.pop()!.close();
    await expect(post(pool(`http://127.0.0.1:${port}`))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses header values and paths that could inject a header, before connecting', async () => {
    const up = await httpUpstream((_q, res) => res.end('{}'));
    const p = pool(up.origin);
    await expect(post(p, '{}', { tracestate: 'a=1\r\nx-injected: yes' })).rejects.toMatchObject({ code: 'H1_INVALID_REQUEST' });
    await expect(post(p, '{}', { 'x-a\r\nb': '1' })).rejects.toMatchObject({ code: 'H1_INVALID_REQUEST' });
    await expect(p.request({ path: '/v1/x HTTP/1.1\r\nx: y', headers: {}, body: '', timeoutMs: 1000 })).rejects.toMatchObject({ code: 'H1_INVALID_REQUEST' });
    expect(up.connections).toBe(0);
  });

  it('keeps only the head of an error body, and refuses a success body over the limit', async () => {
    const big = 'x'.repeat(100_000);
    const up = await httpUpstream((q, res) => {
      res.statusCode = q.headers['x-want'] === 'error' ? 500 : 200;
      res.end(big);
    });
    const p = pool(up.origin, { errorBodyLimit: 1_000, maxResponseBytes: 50_000 });
    const err = await post(p, '{}', { 'x-want': 'error' });
    expect(err.status).toBe(500);
    expect(err.body.length).toBe(1_000);
    await expect(post(p)).rejects.toMatchObject({ code: 'H1_RESPONSE_TOO_LARGE' });
  });

  it('fails with H1_PROTOCOL on an answer it cannot frame', async () => {
    const up = await rawUpstream((s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab'));
    await expect(post(pool(up.origin))).rejects.toMatchObject({ code: 'H1_PROTOCOL', message: 'conflicting Content-Length values' });
  });

  it('closes idle connections before the server keep-alive timeout it announced', async () => {
    const up = await httpUpstream((_q, res) => {
      res.setHeader('keep-alive', 'timeout=2');
      res.end('{}');
    });
    const p = pool(up.origin);
    await post(p);
    expect(p.stats.idle).toBe(1);
    await new Promise((r) => setTimeout(r, 1_400));
    expect(p.stats).toEqual({ connections: 0, idle: 0, queued: 0 });
  });

  it('on close, fails queued requests, lets the one in flight finish and then resolves', async () => {
    const up = await httpUpstream((_q, res) => setTimeout(() => res.end('{"done":1}'), 50));
    const p = new H1Pool(up.origin, { ...OPTS, connections: 1 });
    const first = post(p);
    const queued = post(p);
    const closed = p.close();
    await expect(queued).rejects.toMatchObject({ code: 'H1_CLOSED' });
    expect((await first).body.toString()).toBe('{"done":1}');
    await closed;
    expect(p.stats.connections).toBe(0);
    await expect(post(p)).rejects.toMatchObject({ code: 'H1_CLOSED' });
  });

  it('takes only plain http origins', () => {
    expect(() => new H1Pool('https://api.example.com', OPTS)).toThrow(/plain http/);
  });
});

describe('H1Pool.dispatch (streams)', () => {
  /** A handler that records what it is told, and can act on the controller from inside a callback. */
  function recorder(onData?: (c: Dispatcher.DispatchController, chunks: string[]) => void) {
    const seen = { status: 0, chunks: [] as string[], ended: false, error: null as Error | null, controller: null as Dispatcher.DispatchController | null };
    let settle!: () => void;
    const settled = new Promise<void>((r) => (settle = r));
    const handler: H1Handler = {
      onRequestStart: (c) => (seen.controller = c),
      onResponseStart: (_c, status) => (seen.status = status),
      onResponseData: (c, chunk) => {
        seen.chunks.push(chunk.toString());
        onData?.(c, seen.chunks);
      },
      onResponseEnd: () => {
        seen.ended = true;
        settle();
      },
      onResponseError: (_c, e) => {
        seen.error = e;
        settle();
      },
    };
    return { seen, settled, handler };
  }
  const req = { path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: '{"stream":true}', timeoutMs: 2_000 };

  it('hands each chunk over as it arrives, then returns the connection to the pool', async () => {
    const up = await httpUpstream((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: [DONE]\n\n'), 50);
    });
    const p = pool(up.origin);
    const r = recorder();
    const t0 = performance.now();
    let firstAt = 0;
    r.handler.onResponseData = (_c, chunk) => {
      firstAt ||= performance.now() - t0;
      r.seen.chunks.push(chunk.toString());
    };
    p.dispatch(req, r.handler);
    await r.settled;
    expect(r.seen.status).toBe(200);
    expect(r.seen.chunks.join('')).toBe('data: 1\n\ndata: [DONE]\n\n');
    expect(firstAt).toBeLessThan(45);
    expect(r.seen.ended).toBe(true);
    expect(p.stats).toEqual({ connections: 1, idle: 1, queued: 0 });
  });

  it('closes the connection when the handler aborts mid-stream, and tells the handler once', async () => {
    let upstreamSawClose = false;
    const up = await httpUpstream((q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const t = setInterval(() => res.write('data: x\n\n'), 5);
      q.socket.on('close', () => {
        upstreamSawClose = true;
        clearInterval(t);
      });
    });
    const p = pool(up.origin);
    const reason = new Error('client went away');
    const r = recorder((c, chunks) => chunks.length === 3 && c.abort(reason));
    p.dispatch(req, r.handler);
    await r.settled;
    expect(r.seen.error).toBe(reason);
    expect(r.seen.controller!.aborted).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(upstreamSawClose).toBe(true);
    expect(r.seen.chunks.length).toBe(3);
    expect(p.stats.connections).toBe(0);
  });

  it('reads nothing while paused and no timeout runs meanwhile; resume delivers the rest', async () => {
    const up = await httpUpstream((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 20);
    });
    const p = pool(up.origin);
    const r = recorder((c, chunks) => chunks.length === 1 && c.pause());
    p.dispatch({ ...req, timeoutMs: 100 }, r.handler);
    await new Promise((res) => setTimeout(res, 250));
    expect(r.seen.chunks).toEqual(['data: 1\n\n']);
    expect(r.seen.error).toBeNull();
    expect(r.seen.controller!.paused).toBe(true);
    r.seen.controller!.resume();
    await r.settled;
    expect(r.seen.chunks.join('')).toBe('data: 1\n\ndata: 2\n\n');
    expect(r.seen.ended).toBe(true);
  });

  it('takes an abort while the request waits for a connection out of the queue', async () => {
    const up = await httpUpstream((_q, res) => setTimeout(() => res.end('{}'), 30));
    const p = pool(up.origin, { connections: 1 });
    const busy = post(p);
    const r = recorder();
    p.dispatch(req, r.handler);
    expect(p.stats.queued).toBe(1);
    r.seen.controller!.abort(new Error('gone'));
    expect(p.stats.queued).toBe(0);
    await r.settled;
    expect(r.seen.error?.message).toBe('gone');
    expect((await busy).status).toBe(200);
    expect(up.requests.length).toBe(1);
  });

  it('does not send a request whose handler aborted in onRequestStart', async () => {
    const up = await httpUpstream((_q, res) => res.end('{}'));
    const r = recorder();
    r.handler.onRequestStart = (c) => c.abort(new Error('already gone'));
    pool(up.origin).dispatch(req, r.handler);
    await r.settled;
    expect(r.seen.error?.message).toBe('already gone');
    expect(up.connections).toBe(0);
  });
});
