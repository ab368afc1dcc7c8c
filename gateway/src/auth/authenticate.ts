/**
 * Authentication for /v1/*, shared by both entry points (the raw inference fast path and
 * fastify's onRequest hook): API keys (sync, constant-time digest compare) or JWTs (async).
 * It runs before the body is read, so unauthenticated callers cannot make us parse megabytes.
 * Failures drain a per-IP bucket; an IP out of attempts gets 429 without a check.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal';
import { GatewayError } from '../errors';
import type { Runtime } from '../runtime';
import type { Services } from '../services';

const MISSING = new GatewayError('invalid_api_key', 'You didn\'t provide an API key. Use "Authorization: Bearer YOUR_KEY" (or an "x-api-key" header).');
const INVALID = new GatewayError('invalid_api_key', 'Incorrect API key provided.');
const CHALLENGE: readonly string[] = ['www-authenticate', 'Bearer'];
const NO_HEADERS: readonly string[] = [];

/** A refused caller: the error to answer with and the headers that go with it. */
export class AuthDenied {
  constructor(
    readonly error: GatewayError,
    readonly headers: readonly string[],
  ) {}
}

/**
 * The caller's key or JWT. `x-api-key` (Anthropic's SDKs) and `api-key` (Azure OpenAI's) are accepted
 * beside the bearer header because the Kubernetes API server's service proxy strips Authorization after
 * authenticating its own caller, so the desktop reaches a cluster's gateway with `x-api-key`.
 */
function presentedCredential(headers: IncomingHttpHeaders): string | null {
  const h = headers.authorization;
  if (typeof h === 'string') return h.startsWith('Bearer ') ? h.slice(7).trim() : null;
  const alt = headers['x-api-key'] ?? headers['api-key'];
  return typeof alt === 'string' && alt.length > 0 ? alt.trim() : null;
}

function denied(rt: Runtime, svc: Services, ip: string, err: GatewayError): AuthDenied {
  rt.failedAuth.recordFailure(ip, Date.now());
  svc.metrics.error(err.code);
  return new AuthDenied(err, CHALLENGE);
}

/** A Principal, or why not; a promise only for JWTs. Records failures and counts the error metric. */
export function authenticate(rt: Runtime, svc: Services, headers: IncomingHttpHeaders, ip: string): Principal | AuthDenied | Promise<Principal | AuthDenied> {
  const now = Date.now();
  const wait = rt.failedAuth.blockedFor(ip, now);
  if (wait > 0) {
    svc.metrics.error('auth_rate_limited');
    return new AuthDenied(new GatewayError('auth_rate_limited', 'Too many failed authentication attempts.', { retryAfterS: wait }), NO_HEADERS);
  }
  const token = presentedCredential(headers);
  if (token === null) return denied(rt, svc, ip, MISSING);
  if (token.startsWith('fdy_')) {
    const r = rt.keys.verify(token, now);
    return r instanceof GatewayError ? denied(rt, svc, ip, r) : r;
  }
  if (!rt.jwt || token.split('.').length !== 3) return denied(rt, svc, ip, INVALID);
  return rt.jwt(token).then(
    (r) => (r instanceof GatewayError ? denied(rt, svc, ip, r) : r),
    () => denied(rt, svc, ip, INVALID),
  );
}
