import { FoundryError } from '../errors';
import type { Vault } from '../vault/vault';
import type { ClusterService } from '../clusters/service';
import { gatewayAdminToken } from '../clusters/secrets';
import { statusMessage } from '../clusters/kube-errors';
import { GATEWAY_NAME } from './sync-objects';

/**
 * The desktop's way into a cluster's gateway: its admin endpoints (/admin/state, /admin/usage)
 * through the API server's service proxy, with the cluster's admin token from the vault.
 */
export async function callGatewayAdmin<T>(
  deps: { clusters: ClusterService; vault: Vault },
  clusterId: string,
  path: string,
  options: { query?: Record<string, string | number | undefined>; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const cluster = deps.clusters.resolve(clusterId);
  const token = await gatewayAdminToken(deps.vault, clusterId);
  const res = await deps.clusters.serviceProxy(clusterId, {
    namespace: cluster.gatewayNamespace,
    service: GATEWAY_NAME,
    port: 'http',
    path,
    query: options.query,
    headers: { 'x-foundry-admin-token': token },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (res.status !== 200) {
    const said = statusMessage(res.body);
    throw new FoundryError({
      code: res.status === 503 || res.status === 404 ? 'FAILED_PRECONDITION' : 'CLUSTER_API_ERROR',
      message: `The gateway in ${cluster.name} answered ${res.status} for ${path}${said ? `: ${said}` : ''}.`,
      hint: res.status === 503 || res.status === 404 ? 'Is the gateway installed and running? Install it from the Clusters page or with `foundry clusters sync --install`.' : 'Sync the gateway config again; the admin token may be out of date.',
      details: { status: res.status },
    });
  }
  return JSON.parse(res.body.toString('utf8')) as T;
}
