import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { FoundryError } from '../../errors';
import type { ClusterService } from '../../clusters/service';
import type { EndpointRow } from '../../endpoints/store';
import { httpFailure, networkFailure } from '../../endpoints/probe-errors';
import { listModels } from '../../playground/models';
import { clusterTarget } from '../../playground/targets';
import type { Vault } from '../../vault/vault';
import type { LoadTarget } from './run';

/**
 * Where a load test's requests go: straight to the endpoint's engine (its base URL and key, from the vault), or
 * through the Foundry gateway in a cluster, reached like the Playground reaches it (the API server's service proxy
 * with the kubeconfig in the vault), where the endpoint is the model named after it.
 */
export interface OpenTarget {
  target: LoadTarget;
  /** Through a gateway: times the path to it, without the engine (see pathRoundTrip). */
  pathRoundTrip?(signal: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

const AGENT_TIMEOUTS = { headersTimeout: 120_000, bodyTimeout: 120_000 };
const toError = (f: { message: string; hint: string }) => new FoundryError({ code: 'FAILED_PRECONDITION', message: f.message, hint: f.hint });

export async function directTarget(row: EndpointRow, vault: Vault): Promise<OpenTarget> {
  const key = row.key_secret_id ? (await vault.get(row.key_secret_id)).toString('utf8') : null;
  const url = `${row.base_url.replace(/\/+$/, '')}/chat/completions`;
  // Connections for every client at once: a pool smaller than the concurrency would queue requests in the desktop.
  const dispatcher = new Agent({ connect: { timeout: 10_000, ...(row.ca_bundle ? { ca: row.ca_bundle } : {}) }, ...AGENT_TIMEOUTS });
  const shown = `POST ${url}`;
  return {
    target: {
      url,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      dispatcher,
      label: `endpoint "${row.name}"`,
      model: row.upstream_model,
      ignoreEos: row.kind === 'openai_compatible',
      apiKey: key,
      failure: (status, body) => toError(httpFailure(row.kind, status, body, key, shown)),
      unreachable: (err) => toError(networkFailure(err, url, row.ca_bundle !== null)),
    },
    close: () => dispatcher.close(),
  };
}

/** Round trips that time the path alone: the gateway answers /v1/models itself, without the engine. */
const PATH_PROBES = 5;

export async function gatewayTarget(row: EndpointRow, clusters: ClusterService, clusterId: string, apiKey: string): Promise<OpenTarget> {
  const resolved = await clusterTarget(clusters, clusterId, apiKey);
  const Label = resolved.label[0]!.toUpperCase() + resolved.label.slice(1);
  const target: LoadTarget = {
    url: `${resolved.baseUrl}/v1/chat/completions`,
    headers: resolved.headers,
    dispatcher: resolved.dispatcher,
    label: resolved.label,
    // The gateway serves each endpoint as a model of the endpoint's name (endpoints/gateway-routes.ts).
    model: row.name,
    ignoreEos: row.kind === 'openai_compatible',
    apiKey,
    failure: (status, body) => resolved.failure(status, body, undefined, row.name),
    unreachable: resolved.unreachable,
  };
  return {
    target,
    async pathRoundTrip(signal) {
      const times: number[] = [];
      for (let i = 0; i < PATH_PROBES; i++) {
        const t0 = performance.now();
        const models = await listModels(resolved, signal);
        times.push(performance.now() - t0);
        if (i === 0 && !models.some((m) => m.id === row.name)) {
          throw new FoundryError({
            code: 'FAILED_PRECONDITION',
            message: `${Label} does not serve "${row.name}" to this API key.`,
            hint: "Use a key of a project that may use the endpoint, or sync the cluster's gateway (Clusters page) if the endpoint is new.",
          });
        }
      }
      times.sort((a, b) => a - b);
      return times[PATH_PROBES >> 1]!;
    },
    close: () => resolved.release(),
  };
}
