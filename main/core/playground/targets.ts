import { Agent, type Dispatcher } from 'undici';
import { FoundryError, invalid } from '../errors';
import type { ClusterService } from '../clusters/service';
import { proxyPath } from '../clusters/proxy';
import { networkError, statusMessage } from '../clusters/kube-errors';
import { GATEWAY_NAME } from '../gateway/sync-objects';
import { normaliseBaseUrl } from './endpoint';
import { fromHttpStatus, fromNetworkError } from './upstream-errors';

/**
 * Where a Playground call goes. Either a URL the user typed (a gateway, a port-forward, any
 * OpenAI-compatible endpoint), or the Foundry gateway inside an imported cluster, reached through
 * that cluster's API server service proxy with the kubeconfig held in the vault — no port-forward,
 * no public load balancer. The API server authenticates the desktop and drops Authorization before
 * forwarding, so the API key travels as x-api-key, which the gateway accepts for exactly this reason.
 */

export interface EndpointRef {
  baseUrl?: string;
  clusterId?: string;
  apiKey: string;
}

export interface ResolvedTarget {
  /** For messages: the URL, or "the gateway in <cluster>". */
  label: string;
  /** Prefix for /v1/... paths. */
  baseUrl: string;
  dispatcher: Dispatcher;
  headers: Record<string, string>;
  /** The same request as a shell command, with the key left in $FOUNDRY_API_KEY. */
  howToCall: { kind: 'url'; baseUrl: string } | { kind: 'cluster'; context: string; namespace: string };
  /** Turns a non-2xx answer into an error the user can act on. */
  failure(status: number, body: string, retryAfter: string | string[] | undefined, model?: string): FoundryError;
  /** Turns a call that got no answer (socket, TLS, timeout) into one: a URL's own failure, or a cluster's API server's. */
  unreachable(err: unknown): FoundryError;
  /** Frees what this target holds (a cluster's TLS connection pool); the shared URL agent stays. */
  release(): Promise<void>;
}

/** The headers of every call to a target: its own (the key, the cluster's credentials) and what the answer may be. */
export const callHeaders = (target: ResolvedTarget) => ({ ...target.headers, accept: 'application/json, text/event-stream' });

export function createTargetResolver(deps: { clusters: ClusterService; sharedAgent: Dispatcher }) {
  return async function resolveTarget(ref: EndpointRef): Promise<ResolvedTarget> {
    if ((ref.baseUrl === undefined) === (ref.clusterId === undefined)) {
      throw invalid('Name either a gateway URL or a cluster, not both and not neither.', 'Pick a cluster gateway, or type a URL.');
    }
    if (ref.baseUrl !== undefined) {
      const baseUrl = normaliseBaseUrl(ref.baseUrl);
      return {
        label: baseUrl,
        baseUrl,
        dispatcher: deps.sharedAgent,
        headers: { authorization: `Bearer ${ref.apiKey}` },
        howToCall: { kind: 'url', baseUrl },
        failure: (status, body, retryAfter, model) => fromHttpStatus({ status, body, retryAfter, model }, ref.apiKey),
        unreachable: (err) => fromNetworkError(err, baseUrl),
        release: async () => undefined,
      };
    }
    return clusterTarget(deps.clusters, ref.clusterId!, ref.apiKey);
  };
}

/**
 * The cluster, refused unless Foundry has put a gateway in it. The sync record alone says so; list() would render every
 * cluster's config. `measuring`: the endpoint a load test would measure through it, named in the refusal.
 */
export function clusterWithGateway(clusters: ClusterService, clusterId: string, measuring?: string) {
  const cluster = clusters.resolve(clusterId);
  if (!clusters.store.sync(cluster.id)) {
    throw new FoundryError({
      code: 'FAILED_PRECONDITION',
      message: `Foundry has not put a gateway in ${cluster.name} yet${measuring === undefined ? '' : `, so nothing there serves "${measuring}"`}.`,
      hint: `Install it from the Clusters page (Install gateway) or with \`foundry clusters sync --install\`${measuring === undefined ? '' : ', or measure the endpoint directly'}.`,
      ...(measuring === undefined ? {} : { details: [{ path: ['through', 'clusterId'], message: 'has no Foundry gateway' }] }),
    });
  }
  return cluster;
}

export async function clusterTarget(clusters: ClusterService, clusterId: string, apiKey: string): Promise<ResolvedTarget> {
  const cluster = clusterWithGateway(clusters, clusterId);
  const conn = (await clusters.connect(cluster.id)).connection();
  const namespace = cluster.gatewayNamespace;
  const label = `the gateway in ${cluster.name}`;
  const dispatcher = new Agent({ connect: { ca: conn.ca, cert: conn.cert, key: conn.key, timeout: 10_000 }, headersTimeout: 60_000, bodyTimeout: 120_000 });
  return {
    label,
    baseUrl: conn.server.replace(/\/+$/, '') + proxyPath({ namespace, service: GATEWAY_NAME, port: 'http', path: '' }).replace(/\/$/, ''),
    dispatcher,
    headers: { ...conn.headers, 'x-api-key': apiKey },
    howToCall: { kind: 'cluster', context: cluster.context, namespace },
    failure(status, body, retryAfter, model) {
      // The API server answers for the service itself when no gateway pod is there to answer.
      const fromApiServer = isKubeStatus(body);
      if (fromApiServer && (status === 503 || status === 404)) {
        const said = statusMessage(Buffer.from(body));
        return new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: `${cluster.name} has no running gateway to answer${said ? ` (API server: ${said})` : ''}.`,
          hint: 'Check the gateway on the Clusters page: install it, or wait for its pods to become ready.',
          details: { status },
        });
      }
      if (fromApiServer && (status === 401 || status === 403)) {
        return new FoundryError({
          code: status === 401 ? 'CLUSTER_UNAUTHORIZED' : 'CLUSTER_FORBIDDEN',
          message: `The API server of ${cluster.name} refused the desktop's credentials for the service proxy (HTTP ${status}).`,
          hint: 'The kubeconfig needs "get" on services/proxy in the gateway namespace; re-import the cluster with a context that has it.',
          details: { status },
        });
      }
      return fromHttpStatus({ status, body, retryAfter, model }, apiKey);
    },
    unreachable: (err) => clusterCallFailure(err, cluster.name, conn.server),
    release: () => dispatcher.close(),
  };
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A call to a cluster's gateway that got no answer. The desktop talks to the API server, which passes the call on, so
 * a socket or TLS failure is the API server's (said the way every other cluster call says it); a call that connected
 * and then waited too long may be stuck at either, so it names both.
 */
export function clusterCallFailure(err: unknown, cluster: string, server: string): FoundryError {
  const e = err as { code?: unknown; name?: unknown } | null;
  if (e?.name === 'TimeoutError' || (typeof e?.code === 'string' && TIMEOUTS.has(e.code))) {
    return new FoundryError({
      code: 'FAILED_PRECONDITION',
      message: `The gateway in ${cluster} did not answer in time (the call goes through the API server at ${server}).`,
      hint: "Check the gateway's pods on the Clusters page, then try again; if other clusters answer, this one's API server may be overloaded.",
      details: { server, reason: typeof e?.code === 'string' ? e.code : 'timeout' },
      cause: err,
    });
  }
  return networkError(err, { cluster, server, action: 'call its gateway' });
}

function isKubeStatus(body: string): boolean {
  try {
    return (JSON.parse(body) as { kind?: unknown }).kind === 'Status';
  } catch {
    return false;
  }
}
