import { FoundryError } from '../errors';

/**
 * Turns what a Kubernetes API call can fail with (socket errors, TLS verification failures, HTTP
 * statuses with a Status body) into FoundryErrors that say which cluster, what Foundry was doing,
 * and what the user can do. A 401 from a cluster is CLUSTER_UNAUTHORIZED, never UNAUTHENTICATED:
 * the latter would sign the user out of Foundry.
 */

export interface CallSite {
  /** The cluster's display name (or the context name before it is imported). */
  cluster: string;
  server: string;
  /** What Foundry was doing, e.g. "list nodes". */
  action: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'FOUNDRY_TIMEOUT']);
const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

export function timeoutError(ms: number): Error & { code: string } {
  return Object.assign(new Error(`no answer within ${ms} ms`), { code: 'FOUNDRY_TIMEOUT', timeoutMs: ms });
}

/** A socket or TLS failure (no HTTP answer at all). */
export function networkError(err: unknown, at: CallSite): FoundryError {
  const e = err as { code?: string; timeoutMs?: number; name?: string };
  const code = e.code ?? '';
  if (e.name === 'AbortError') return new FoundryError({ code: 'CANCELLED', message: `Cancelled while trying to ${at.action} on ${at.cluster}.`, cause: err });
  if (UNREACHABLE.has(code)) {
    const seconds = (e.timeoutMs ?? 0) / 1000;
    const reason = code === 'FOUNDRY_TIMEOUT' ? `no answer within ${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s` : REASONS[code] ?? code;
    return new FoundryError({
      code: 'CLUSTER_UNREACHABLE',
      message: `Cannot reach the API server of ${at.cluster} at ${at.server} (${reason}).`,
      hint: 'Check that the cluster is running and that this machine can reach that address (VPN, firewall, proxy). Other clusters are not affected.',
      details: { server: at.server, reason: code },
      cause: err,
    });
  }
  if (TLS_UNTRUSTED.has(code) || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const clock = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
    const why =
      code === 'CERT_HAS_EXPIRED' ? 'an expired certificate' : code === 'CERT_NOT_YET_VALID' ? 'a certificate that is not valid yet' : "a certificate that the kubeconfig's certificate authority did not sign";
    return new FoundryError({
      code: 'CLUSTER_TLS',
      message: `The API server of ${at.cluster} at ${at.server} presented ${why}.`,
      hint: clock
          ? "Check this machine's clock and the cluster's certificates."
          : "The kubeconfig may belong to an older cluster at the same address, or the cluster's CA was rotated: export a fresh kubeconfig and import it again. Foundry never skips TLS verification.",
      details: { server: at.server, reason: code },
      cause: err,
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new FoundryError({
      code: 'CLUSTER_TLS',
      message: `The certificate of the API server of ${at.cluster} does not name ${new URL(at.server).hostname}.`,
      hint: 'Use the address the certificate was issued for, or set tls-server-name in the kubeconfig.',
      details: { server: at.server, reason: code },
      cause: err,
    });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return new FoundryError({
      code: 'CLUSTER_TLS',
      message: `${at.server} (${at.cluster}) did not answer with TLS.`,
      hint: 'Check the server address and port in the kubeconfig: it should be the https address of the API server.',
      details: { server: at.server, reason: code },
      cause: err,
    });
  }
  return new FoundryError({
    code: 'CLUSTER_UNREACHABLE',
    message: `Talking to the API server of ${at.cluster} at ${at.server} failed${code ? ` (${code})` : ''}.`,
    hint: 'Check the address and the network, then try again.',
    details: { server: at.server, reason: code || 'unknown' },
    cause: err,
  });
}

/** The message of a Kubernetes Status body; safe to show (it names the user, verb and resource, never credentials). */
export function statusMessage(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { kind?: string; message?: unknown };
    return parsed.kind === 'Status' && typeof parsed.message === 'string' ? parsed.message.slice(0, 500) : null;
  } catch {
    return null;
  }
}

/** An HTTP error answer (status >= 400) from the API server. */
export function statusError(status: number, body: Buffer, at: CallSite): FoundryError {
  const said = statusMessage(body);
  if (status === 401) {
    return new FoundryError({
      code: 'CLUSTER_UNAUTHORIZED',
      message: `${at.cluster} rejected the kubeconfig's credentials (401) when Foundry tried to ${at.action}.`,
      hint: 'The token or client certificate has expired or was revoked. Export a fresh kubeconfig, remove the cluster and import it again.',
      details: { status, server: at.server },
    });
  }
  if (status === 403) {
    return new FoundryError({
      code: 'CLUSTER_FORBIDDEN',
      message: `${at.cluster} does not allow the kubeconfig's user to ${at.action} (403)${said ? `: ${said}` : ''}.`,
      hint: "Ask the cluster's admin for the RBAC rights Foundry needs: list nodes, and manage namespaces, ConfigMaps, Secrets (and, to install the gateway, Deployments, Services, PodDisruptionBudgets, NetworkPolicies and HPAs) in Foundry's namespace.",
      details: { status, server: at.server },
    });
  }
  return new FoundryError({
    code: 'CLUSTER_API_ERROR',
    message: `${at.cluster} answered ${status} when Foundry tried to ${at.action}${said ? `: ${said}` : ''}.`,
    hint: status >= 500 ? 'The API server has a problem; try again in a moment.' : 'Check the Kubernetes version and admission policies of the cluster.',
    details: { status, server: at.server },
  });
}
