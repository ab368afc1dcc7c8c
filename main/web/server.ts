import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CHANNEL_NAMES, type ChannelName } from '../core/channel-names';
import { FoundryError, httpStatusOf, fail, type Result } from '../core/errors';
import type { Core } from '../core/core';
import { openEventStream } from '../core/events';
import { WEB_API } from '../core/transport';

/**
 * Browser mode: the built renderer and the channel table over HTTP + WebSocket on 127.0.0.1.
 * A random token minted per launch guards the API (no token → 401), so other local users and
 * web pages in the user's browser cannot drive Foundry; it travels in the URL fragment, which
 * browsers never send to servers or write to logs.
 */

export interface WebServerOptions {
  core: Core;
  /** Folder with the built renderer (out/renderer); absent → API only. */
  rendererDir?: string;
  port?: number;
  /** Fixed token for tests; random per launch otherwise. */
  launchToken?: string;
}

export interface WebServer {
  url: string;
  /** The URL to open, carrying the launch token in its fragment. */
  openUrl: string;
  launchToken: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const launchToken = options.launchToken ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(launchToken);
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY });

  const tokenMatches = (presented: string | undefined) => {
    const got = Buffer.from(presented ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  const bearer = (req: FastifyRequest) => /^Bearer (.+)$/.exec(req.headers[WEB_API.launchTokenHeader] ?? '')?.[1];

  // A refused WebSocket upgrade has no HTTP reply object to finish: answer on the raw socket and
  // close it, or the half-open connection keeps the server from shutting down.
  const refuse = (req: FastifyRequest, reply: FastifyReply, status: number, error: FoundryError) => {
    if (!req.headers.upgrade) return reply.code(status).send(fail(error));
    req.raw.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return reply.hijack();
  };

  app.addHook('onRequest', async (req, reply) => {
    // DNS-rebinding guard: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    const host = req.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return refuse(req, reply, 421, forbiddenHost(host));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!req.url.startsWith('/api/')) return;
    const token = req.url.startsWith(WEB_API.eventsPath) ? new URL(req.url, 'http://x').searchParams.get('token') ?? undefined : bearer(req);
    if (!tokenMatches(token)) {
      return refuse(req, reply, 401, new FoundryError({ code: 'BAD_LAUNCH_TOKEN', message: 'Missing or wrong launch token.', hint: 'Open the URL that `npm run web` printed.' }));
    }
  });

  app.setErrorHandler((err, _req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    const shape =
      status === 413
        ? new FoundryError({ code: 'INVALID_INPUT', message: `The request body is larger than ${MAX_BODY} bytes.` })
        : status && status < 500
          ? new FoundryError({ code: 'INVALID_INPUT', message: 'The request body is not valid JSON.' })
          : err;
    const result = fail(shape);
    if (!result.ok) reply.code(httpStatusOf(result.error.code)).send(result);
  });

  app.post<{ Params: { name: string } }>('/api/call/:name', async (req, reply) => {
    const session = req.headers[WEB_API.sessionHeader];
    const result: Result<unknown> = await options.core.dispatcher.call(req.params.name, req.body ?? {}, {
      token: typeof session === 'string' ? session : undefined,
      transport: 'web',
    });
    return reply.code(result.ok ? 200 : httpStatusOf(result.error.code)).send(result);
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  app.get(WEB_API.eventsPath, { websocket: true }, (socket, req) => {
    const session = new URL(req.url, 'http://x').searchParams.get('session') ?? undefined;
    // The bus decides what this session may see: job progress by permission, Playground answers only here.
    const unsubscribe = openEventStream(options.core.services, session, (event) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    });
    if (!unsubscribe) {
      socket.close(4401, 'sign in first');
      return;
    }
    socket.on('close', unsubscribe);
  });

  app.get('/api/channels', async () => ({ ok: true, value: CHANNEL_NAMES satisfies readonly ChannelName[] }));

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, {
      root: options.rendererDir,
      index: 'index.html',
      wildcard: false,
      // Vite names every asset by its content hash, so a browser may keep it forever; index.html
      // names the current hashes and must be revalidated, or an upgrade would load stale chunks.
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    app.setNotFoundHandler((req, reply) =>
      req.url.startsWith('/api/') ? reply.code(404).send(fail(new FoundryError({ code: 'NOT_FOUND', message: `No route ${req.url}.` }))) : reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  return { url, openUrl: `${url}/#token=${launchToken}`, launchToken, app, close: () => app.close() };
}

function forbiddenHost(host: string): FoundryError {
  return new FoundryError({ code: 'FORBIDDEN', message: `Requests for host "${host}" are refused; browser mode answers only 127.0.0.1.` });
}
