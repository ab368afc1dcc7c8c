/**
 * The inference fast path: a node:http request listener placed in front of fastify's (app.ts,
 * serverFactory) that serves the inference routes straight from IncomingMessage/ServerResponse.
 * fastify's per-request machinery (Request/Reply objects, hooks, the content-type parser's async
 * resource, validation plumbing, hijack) was a measurable share of the gateway's own CPU, and none
 * of it is needed to run the shared pipeline: the same authentication (auth/authenticate.ts), body
 * parser (http/json-body.ts), validator functions (schemas/validate.ts), route table
 * (routes/v1/inference-routes.ts) and inference pipeline (routes/v1/inference.ts) run here.
 *
 * It takes a request only when nothing about it needs fastify's judgement: POST, a path exactly
 * equal to an inference route's (no query string), a plain JSON content type, and not draining
 * (fastify's return503OnClosing answers those). Everything else — other methods and routes, query
 * strings, missing or unusual content types, drain — goes to fastify, whose inference routes run
 * the same pipeline. The answers it writes are the ones fastify's path writes; a parity test sends
 * the same odd requests to both (http/fast-path.test.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthDenied, authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../errors';
import type { Runtime } from '../runtime';
import type { InferenceRoute } from '../routes/v1/inference-routes';
import { serveInference, type InferenceInput } from '../routes/v1/inference';
import { validationError } from '../schemas/validate';
import type { Services } from '../services';
import { parseJsonObject } from './json-body';
import { writeError } from './reply';

export interface FastPathOptions {
  services: Services;
  routes: readonly InferenceRoute[];
  bodyLimit: number;
  trustProxy: boolean;
  draining(): boolean;
}

/** Content types fastify's JSON parser takes as they are; any other spelling is left to fastify. */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset=UTF-8']);

// The same codes and words as errors.ts's toGatewayError gives fastify's body errors.
const TOO_LARGE = new GatewayError('request_too_large', 'request body is too large');
const LENGTH_MISMATCH = new GatewayError('invalid_request', 'Content-Length does not match the body');
const BROKEN_BODY = new GatewayError('invalid_request', 'malformed request');
const EMPTY = Buffer.alloc(0);

/**
 * The client address as fastify's `request.ip` reports it: the socket's peer, or with trust_proxy
 * (trust every hop) the leftmost non-empty X-Forwarded-For entry.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress!;
  if (!trustProxy) return peer;
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff !== 'string') return peer;
  for (const part of xff.split(',')) {
    const entry = part.replace(/^[ \t]+|[ \t]+$/g, '');
    if (entry) return entry;
  }
  return peer;
}

/**
 * Reads the body under the size limit with fastify's checks and in its order: a declared length
 * over the limit is refused before reading, a body growing past it as soon as it does.
 */
function readBody(req: IncomingMessage, limit: number, done: (err: GatewayError | null, body: Buffer) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return done(TOO_LARGE, EMPTY);
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let size = 0;
  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onEnd);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      stop();
      return done(TOO_LARGE, EMPTY);
    }
    if (first === null) first = chunk;
    else (more ??= [first]).push(chunk);
  };
  const onEnd = (err?: Error) => {
    stop();
    if (err) return done(BROKEN_BODY, EMPTY);
    if (!Number.isNaN(declared) && size !== declared) return done(LENGTH_MISMATCH, EMPTY);
    // http's parser hands each body chunk over as its own copy, so one chunk is kept as it is.
    done(null, more ? Buffer.concat(more, size) : (first ?? EMPTY));
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onEnd);
}

/** Returns a listener that serves what it can and answers false for fastify to take the rest. */
export function createFastPath(o: FastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const svc = o.services;
  const byPath = new Map(o.routes.map((r) => [r.path, r]));

  const refuse = (res: ServerResponse, err: GatewayError) => {
    svc.metrics.error(err.code);
    writeError(res, err);
  };

  function authenticated(req: IncomingMessage, res: ServerResponse, route: InferenceRoute, t0: number, rt: Runtime, who: Principal | AuthDenied): void {
    if (who instanceof AuthDenied) return writeError(res, who.error, who.headers);
    readBody(req, o.bodyLimit, (err, raw) => {
      if (err) return refuse(res, err);
      const body = parseJsonObject(raw);
      if (body instanceof GatewayError) return refuse(res, body);
      if (!route.validate(body)) return refuse(res, validationError(route.validate.errors ?? []));
      let input: InferenceInput;
      try {
        input = route.input(body, raw);
      } catch (e) {
        return refuse(res, new GatewayError('internal_error', 'internal error', { cause: e }));
      }
      void serveInference({ t0, runtime: rt, principal: who, headers: req.headers, res }, svc, input);
    });
  }

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const route = byPath.get(req.url!);
    if (route === undefined) return false;
    const type = req.headers['content-type'];
    if (type === undefined || !JSON_TYPES.has(type)) return false;
    if (o.draining()) return false;
    const t0 = performance.now();
    const rt = svc.runtime();
    const who = authenticate(rt, svc, req.headers, clientIp(req, o.trustProxy));
    if (who instanceof Promise) who.then((w) => authenticated(req, res, route, t0, rt, w));
    else authenticated(req, res, route, t0, rt, who);
    return true;
  };
}
