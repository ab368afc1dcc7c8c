/**
 * The one place errors are written to clients: OpenAI's shape, the code table's status, no 5xx
 * details. `writeError` answers on a raw ServerResponse (the inference pipeline, whichever entry
 * point it came through); `sendError` is the same answer through a fastify reply, for the routes
 * fastify serves (and for errors fastify raises before a handler runs).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { GatewayError, toOpenAIError } from '../errors';

const JSON_UTF8 = 'application/json; charset=utf-8';

function errorBody(err: GatewayError): string {
  const shown = err.code === 'internal_error' ? new GatewayError('internal_error', 'The server had an error while processing your request.') : err;
  return JSON.stringify(toOpenAIError(shown));
}

export function sendError(reply: FastifyReply, err: GatewayError, headers?: readonly string[]): FastifyReply {
  if (headers) for (let i = 0; i < headers.length; i += 2) reply.header(headers[i]!, headers[i + 1]!);
  if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
  return reply.code(err.status).header('content-type', JSON_UTF8).send(errorBody(err));
}

/** `headers` is a flat [name, value, ...] list; names in lower case, as fastify would write them. */
export function writeError(res: ServerResponse, err: GatewayError, headers?: readonly string[]): void {
  const body = errorBody(err);
  const h: string[] = [];
  if (headers) for (let i = 0; i < headers.length; i++) h.push(headers[i]!);
  if (err.retryAfterS !== undefined) h.push('retry-after', String(err.retryAfterS));
  h.push('content-type', JSON_UTF8, 'content-length', String(Buffer.byteLength(body)));
  res.writeHead(err.status, h);
  res.end(body);
}

export function overheadMs(t0: number, upstreamMs: number): string {
  return Math.max(0, performance.now() - t0 - upstreamMs).toFixed(3);
}
