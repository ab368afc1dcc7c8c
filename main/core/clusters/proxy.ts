/**
 * The API server's service proxy: how the desktop reaches the gateway and agent inside a cluster
 * without an inbound port or a public load balancer. The API server authenticates the desktop with
 * its kubeconfig and drops the Authorization header before forwarding, so in-cluster services take
 * their own credentials in other headers (the gateway: x-foundry-admin-token).
 */

export interface ServiceProxyRequest {
  namespace: string;
  service: string;
  /** Port name or number of the Service; omitted for a single-port Service. */
  port?: string | number;
  /** Path inside the service, e.g. /admin/state. */
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function proxyPath(req: Pick<ServiceProxyRequest, 'namespace' | 'service' | 'port' | 'path'>): string {
  const target = req.port === undefined ? req.service : `${req.service}:${req.port}`;
  const inner = req.path.startsWith('/') ? req.path : `/${req.path}`;
  return `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/services/${encodeURIComponent(target)}/proxy${inner}`;
}
