/**
 * The HTTP client behind a JWKS URL, handed to jose through its customFetch option: undici's fetch
 * on a dispatcher of our own, so an identity provider behind an internal CA is trusted with exactly
 * `jwks_ca_file` (and no other connection of the gateway is). Failures come back as KeySetError
 * with a short, bounded reason (a metric label) and a message for the operator's log.
 */
import type { FetchImplementation } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';

export type KeySetFailureReason = 'tls' | 'timeout' | 'network' | 'http_status' | 'invalid';

export class KeySetError extends Error {
  constructor(
    readonly reason: KeySetFailureReason,
    message: string,
  ) {
    super(message);
  }
}

export interface KeySetClient {
  fetch: FetchImplementation;
  close(): Promise<void>;
}

/** Node's TLS verification codes (and its own ERR_TLS_*): the certificate, not the network. */
const TLS_CODE = /^(ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_|ERR_SSL_)/;

function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code !== 'UND_ERR') return e.code;
  }
  return undefined;
}

/** Why a fetch threw, as a KeySetError that names the URL's origin (never its query). */
export function classifyFetchError(err: unknown, origin: string): KeySetError {
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError') return new KeySetError('timeout', `${origin}: no answer in time`);
  const code = causeCode(err);
  if (code && TLS_CODE.test(code)) {
    return new KeySetError('tls', `${origin}: TLS certificate not trusted (${code}); set jwks_ca_file to the CA bundle that signed the identity provider's certificate`);
  }
  return new KeySetError('network', `${origin}: connection failed (${code ?? (err as Error)?.message ?? 'unknown error'})`);
}

/** `caPem`: trust exactly this bundle for the key set; absent: the system roots. */
export function createKeySetClient(url: string, caPem: string | undefined): KeySetClient {
  const origin = new URL(url).origin;
  const dispatcher = caPem ? new Agent({ connect: { ca: caPem, timeout: 5_000 } }) : undefined;
  const fetch: FetchImplementation = async (href, init) => {
    let res: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      // Headers as pairs: the global Headers class and the undici package's are different classes.
      res = await undiciFetch(href, { method: init.method, redirect: init.redirect, signal: init.signal, headers: [...init.headers], ...(dispatcher ? { dispatcher } : {}) });
    } catch (err) {
      throw classifyFetchError(err, origin);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw new KeySetError('http_status', `${origin}: answered HTTP ${res.status}, expected 200 with a JSON key set`);
    }
    // jose reads only status and json(); undici's Response has both.
    return res as unknown as Response;
  };
  return { fetch, close: async () => dispatcher?.close() };
}

/** A failure of the key set itself (as opposed to a token whose kid the set lacks), or null. */
export function keySetFailure(err: unknown, origin: string): KeySetError | null {
  if (err instanceof KeySetError) return err;
  const code = (err as { code?: unknown })?.code;
  if (code === 'ERR_JWKS_TIMEOUT') return new KeySetError('timeout', `${origin}: no answer in time`);
  if (code === 'ERR_JWKS_INVALID' || code === 'ERR_JOSE_GENERIC') return new KeySetError('invalid', `${origin}: the answer is not a valid JSON Web Key Set (${(err as Error).message})`);
  return null;
}
