/** Per-request fields the gateway needs, declared once so handlers stay typed. */
import type { Principal } from '../auth/principal';
import type { Runtime } from '../runtime';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() at arrival: the start of overhead measurement. */
    fdyT0: number;
    /** The runtime this request started under (a reload mid-request does not change it). */
    fdyRuntime: Runtime | null;
    fdyPrincipal: Principal | null;
    /** The client's request bytes, for forwarding unchanged. */
    rawBody: Buffer | null;
  }
}

export {};
