/** The one place errors are written to clients: OpenAI's shape, the code table's status, no 5xx details. */
import type { FastifyReply } from 'fastify';
import { GatewayError, toOpenAIError } from '../errors';

export function sendError(reply: FastifyReply, err: GatewayError, headers?: readonly string[]): FastifyReply {
  if (headers) for (let i = 0; i < headers.length; i += 2) reply.header(headers[i]!, headers[i + 1]!);
  if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
  const shown = err.code === 'internal_error' ? new GatewayError('internal_error', 'The server had an error while processing your request.') : err;
  return reply.code(err.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(toOpenAIError(shown)));
}

export function overheadMs(t0: number, upstreamMs: number): string {
  return Math.max(0, performance.now() - t0 - upstreamMs).toFixed(3);
}
