/**
 * One authenticated inference request, whichever entry point it came through (the raw fast path
 * or a fastify route): what the shared pipeline needs from the request, and the raw response it
 * writes to. Nothing in the pipeline sees fastify's Request or Reply.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal';
import type { Runtime } from '../runtime';

export interface Exchange {
  /** performance.now() at arrival: the start of overhead measurement. */
  t0: number;
  /** The runtime this request started under (a reload mid-request does not change it). */
  runtime: Runtime;
  principal: Principal;
  headers: IncomingHttpHeaders;
  res: ServerResponse;
}
