import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { FoundryError } from '../errors';
import { networkError, statusError, timeoutError, type CallSite } from './kube-errors';

/**
 * A small Kubernetes REST client over one kubeconfig context that exists only in memory: the
 * kubeconfig is loaded into @kubernetes/client-node's KubeConfig from text (never from a file), which
 * supplies the CA, client certificate and token; requests go through node:https so every call has a
 * deadline, can be cancelled, and fails with an error that names the cluster and what was being done.
 */

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. /api/v1/nodes. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON (which is also valid YAML for server-side apply). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** What Foundry is doing, for error messages ("list nodes"). */
  action: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface KubeClient {
  /** The cluster's display name, used in messages. */
  readonly cluster: string;
  readonly server: string;
  /** Any HTTP answer comes back as it is; only network and TLS failures throw. */
  raw(req: KubeRequest): Promise<KubeResponse>;
  /** The parsed JSON of a 2xx answer; any other status throws a classified FoundryError. */
  json<T>(req: KubeRequest): Promise<T>;
  /** Like json, but a 404 is null. */
  getOrNull<T>(path: string, action: string, signal?: AbortSignal): Promise<T | null>;
  /**
   * The TLS material and auth headers of this context, in memory, for a caller that must stream
   * through the API server itself (the Playground's chat through the service proxy).
   */
  connection(): KubeConnection;
}

export interface KubeConnection {
  server: string;
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer | (string | Buffer)[];
  key?: string | Buffer | (string | Buffer)[];
  /** Authorization (bearer token or basic) when the context uses one; empty with client certificates. */
  headers: Record<string, string>;
}

export interface KubeClientOptions {
  /** Display name for messages. */
  cluster: string;
  /** Default deadline of one request; a cluster that never answers must not hold anything up. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Loads a self-contained kubeconfig (text) and returns a client for its current context. */
export async function createKubeClient(kubeconfig: string, options: KubeClientOptions): Promise<KubeClient> {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(kubeconfig);
  } catch (cause) {
    throw new FoundryError({ code: 'VAULT_CORRUPT', message: `The stored kubeconfig of ${options.cluster} cannot be read.`, hint: 'Remove the cluster and import it again.', cause });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new FoundryError({ code: 'VAULT_CORRUPT', message: `The stored kubeconfig of ${options.cluster} has no cluster.`, hint: 'Remove the cluster and import it again.' });
  const server = cluster.server;
  // CA, client certificate and key, bearer token or basic auth, and an agent holding them.
  const base: RequestOptions = {};
  await kc.applyToHTTPSOptions(base);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function raw(req: KubeRequest): Promise<KubeResponse> {
    const at: CallSite = { cluster: options.cluster, server, action: req.action };
    const url = new URL(server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = {
      ...(base.headers as Record<string, string> | undefined),
      accept: 'application/json',
      ...req.headers,
    };
    if (payload) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = payload.length;
    }
    const ms = req.timeoutMs ?? timeout;

    return new Promise<KubeResponse>((resolve, reject) => {
      if (req.signal?.aborted) return reject(networkError(Object.assign(new Error('aborted'), { name: 'AbortError' }), at));
      const call = httpsRequest(url, { ...base, method: req.method ?? 'GET', headers, signal: req.signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            call.destroy(new FoundryError({ code: 'CLUSTER_API_ERROR', message: `${at.cluster} sent more than 64 MiB for "${at.action}".` }));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      });
      const timer = setTimeout(() => call.destroy(timeoutError(ms)), ms);
      function fail(err: unknown) {
        clearTimeout(timer);
        reject(err instanceof FoundryError ? err : networkError(err, at));
      }
      call.on('error', fail);
      call.end(payload);
    });
  }

  async function json<T>(req: KubeRequest): Promise<T> {
    const res = await raw(req);
    if (res.status < 200 || res.status >= 300) throw statusError(res.status, res.body, { cluster: options.cluster, server, action: req.action });
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  return {
    cluster: options.cluster,
    server,
    raw,
    json,
    connection: () => ({
      server,
      ca: base.ca as KubeConnection['ca'],
      cert: base.cert as KubeConnection['cert'],
      key: base.key as KubeConnection['key'],
      headers: { ...(base.headers as Record<string, string> | undefined) },
    }),
    async getOrNull<T>(path: string, action: string, signal?: AbortSignal): Promise<T | null> {
      const res = await raw({ path, action, signal });
      if (res.status === 404) return null;
      if (res.status < 200 || res.status >= 300) throw statusError(res.status, res.body, { cluster: options.cluster, server, action });
      return JSON.parse(res.body.toString('utf8')) as T;
    },
  };
}
