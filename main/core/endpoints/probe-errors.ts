/**
 * What a failed connection test means, in words a user can act on. Upstream messages are kept
 * (they often say exactly what is wrong), cut short, and scrubbed of the API key, since some
 * providers echo what they were sent.
 */
import type { EndpointKind, EndpointTestResult, ProbeFailure } from './types';

type Failure = NonNullable<EndpointTestResult['error']>;

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve right now',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection broke',
};
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TimeoutError', 'AbortError']);
const TLS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'a certificate chain ending in a certificate authority this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'a certificate signed by an authority this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'a certificate signed by an authority this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'a certificate signed by an authority this machine does not trust',
  CERT_UNTRUSTED: 'an untrusted certificate',
  CERT_SIGNATURE_FAILURE: 'a certificate whose signature does not verify',
  CERT_HAS_EXPIRED: 'an expired certificate',
  CERT_NOT_YET_VALID: 'a certificate that is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'a certificate issued for another host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'no TLS at all (is it http, not https?)',
  EPROTO: 'no TLS at all (is it http, not https?)',
};

/** Chains this machine (or the endpoint's CA bundle) does not trust: a CA bundle is the fix. */
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/** The first error code found along the cause chain (undici wraps socket errors). */
function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code in UNREACHABLE || code in TLS || TIMEOUT.has(code))) return code;
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && TIMEOUT.has(name)) return name;
    const nested = (e as { errors?: unknown[] }).errors; // AggregateError from happy-eyeballs
    if (Array.isArray(nested)) for (const n of nested) { const c = codeOf(n); if (c) return c; }
  }
  return undefined;
}

export function scrub(text: string, apiKey: string | null): string {
  return apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[key]') : text;
}

/** The message an upstream put in its error body (OpenAI, Azure, Anthropic and vLLM shapes). */
export function upstreamSaid(body: string, apiKey: string | null): string | null {
  let text: unknown;
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    text = typeof j.error === 'object' && j.error !== null ? j.error.message : (j.error ?? j.message ?? j.detail);
  } catch {
    text = body.trim().slice(0, 200);
  }
  if (typeof text !== 'string' || !text) return null;
  return scrub(text, apiKey).slice(0, 300);
}

/** `withCaBundle`: the endpoint has a CA bundle of its own, so an untrusted chain means the bundle lacks the signer. */
export function networkFailure(err: unknown, url: string, withCaBundle = false): Failure {
  const code = codeOf(err);
  const host = new URL(url).host;
  if (code && code in TLS) {
    return {
      kind: 'tls',
      message: `${host} presented ${TLS[code]}.`,
      hint: code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO'
        ? 'Check the scheme and port of the base URL.'
        : UNTRUSTED.has(code)
          ? withCaBundle
            ? "The endpoint's CA bundle does not hold the authority that signed this certificate; replace it with the right CA (Edit → CA bundle). Foundry does not skip TLS verification."
            : 'If a private certificate authority signed it, add that CA to the endpoint (Edit → CA bundle); otherwise use a certificate from a public authority. Foundry does not skip TLS verification.'
          : 'Use the address its certificate was issued for, or a certificate from a public authority. Foundry does not skip TLS verification.',
    };
  }
  if (code && TIMEOUT.has(code)) {
    return { kind: 'timeout', message: `${host} did not answer in time.`, hint: 'Check that the server is up and reachable from this machine (VPN, firewall, proxy).' };
  }
  return {
    kind: 'unreachable',
    message: `Cannot reach ${host}: ${code ? UNREACHABLE[code] : 'the request failed'}.`,
    hint: 'Check the base URL and that this machine can reach it (VPN, firewall, proxy). The gateway in a cluster may still reach an in-cluster address this machine cannot.',
  };
}

export function httpFailure(kind: EndpointKind, status: number, body: string, apiKey: string | null, probe: string): Failure {
  const said = upstreamSaid(body, apiKey);
  const because = said ? `: ${said}` : '.';
  const failure = (k: ProbeFailure, message: string, hint: string): Failure => ({ kind: k, message, hint });
  if (status === 401 || status === 403) {
    return failure(
      'unauthorized',
      `The endpoint refused the API key (HTTP ${status})${because}`,
      apiKey ? 'Replace the key (Edit → API key) with one this endpoint accepts.' : 'This endpoint has no API key stored; add one (Edit → API key).',
    );
  }
  if (status === 404) {
    return kind === 'azure'
      ? failure('not_found', `Azure answered 404 for the deployment${because}`, 'Check the resource URL, the deployment name (as in Azure AI Foundry, not the model name) and the api-version.')
      : failure('not_found', `${probe} answered 404${because}`, 'Check the base URL: it should be the API root that serves /chat/completions, usually ending in /v1.');
  }
  if (status === 429) return failure('rate_limited', `The endpoint is rate limiting this key (HTTP 429)${because}`, 'The key was accepted; try again later, or check the quota of the account.');
  if (status >= 500) return failure('upstream_error', `The endpoint answered HTTP ${status}${because}`, 'The server behind the endpoint may be down or overloaded; try again, or check it.');
  return failure('bad_request', `The endpoint answered HTTP ${status}${because}`, 'Check the base URL, the model and the api-version.');
}
