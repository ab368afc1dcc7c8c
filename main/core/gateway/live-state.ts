import { z } from 'zod';
import { FoundryError } from '../errors';
import type { ClusterService } from '../clusters/service';
import type { Vault } from '../vault/vault';
import { callGatewayAdmin } from './admin';

/**
 * What a cluster's gateway says about itself right now (its /admin/state, through the API server's
 * service proxy): the config it serves, its models and targets with load, latency, circuit breakers and
 * KV-cache pressure. The answer comes from inside a cluster, so it is checked before the UI sees it.
 */

const target = z.object({
  id: z.string(),
  provider: z.string(),
  kind: z.string(),
  weight: z.number(),
  outstanding: z.number(),
  ewma_ms: z.number(),
  breaker: z.enum(['closed', 'half_open', 'open']),
  kv: z.object({ cache_usage: z.number(), waiting: z.number(), age_ms: z.number() }).nullable(),
});

const stateSchema = z.object({
  loaded_at: z.string(),
  last_reload: z.object({ at: z.string().nullable(), ok: z.boolean(), errors: z.array(z.string()) }),
  api_keys: z.number(),
  in_flight_streams: z.number(),
  models: z.array(z.object({ name: z.string(), strategy: z.string(), targets: z.array(target) })),
});

export interface GatewayTargetState {
  id: string;
  provider: string;
  kind: string;
  weight: number;
  outstanding: number;
  ewmaMs: number;
  breaker: 'closed' | 'half_open' | 'open';
  /** From the runtime's /metrics when the model routes by KV cache; null otherwise. */
  kv: { cacheUsage: number; waiting: number; ageMs: number } | null;
}

export interface GatewayLiveState {
  clusterId: string;
  /** When this desktop asked. */
  readAt: string;
  loadedAt: string;
  lastReload: { at: string | null; ok: boolean; errors: string[] };
  apiKeys: number;
  inFlightStreams: number;
  models: { name: string; strategy: string; targets: GatewayTargetState[] }[];
}

export async function readGatewayLiveState(deps: { clusters: ClusterService; vault: Vault }, clusterId: string): Promise<GatewayLiveState> {
  const cluster = deps.clusters.resolve(clusterId);
  const raw = await callGatewayAdmin<unknown>(deps, cluster.id, '/admin/state', { timeoutMs: 5_000 });
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FoundryError({
      code: 'CLUSTER_API_ERROR',
      message: `The gateway in ${cluster.name} answered /admin/state in a shape this desktop does not know.`,
      hint: 'The gateway and the desktop may be different versions: install the gateway again from this desktop.',
      details: { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  }
  const s = parsed.data;
  return {
    clusterId: cluster.id,
    readAt: new Date().toISOString(),
    loadedAt: s.loaded_at,
    lastReload: s.last_reload,
    apiKeys: s.api_keys,
    inFlightStreams: s.in_flight_streams,
    models: s.models.map((m) => ({
      name: m.name,
      strategy: m.strategy,
      targets: m.targets.map((t) => ({
        id: t.id,
        provider: t.provider,
        kind: t.kind,
        weight: t.weight,
        outstanding: t.outstanding,
        ewmaMs: t.ewma_ms,
        breaker: t.breaker,
        kv: t.kv ? { cacheUsage: t.kv.cache_usage, waiting: t.kv.waiting, ageMs: t.kv.age_ms } : null,
      })),
    })),
  };
}
