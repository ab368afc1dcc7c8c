import { FoundryError, invalid, notFound, toFoundryError } from '../errors';
import { nowIso, type Db } from '../store/db';
import type { Vault } from '../vault/vault';
import { desiredGatewayConfigs } from '../gateway/sync-objects';
import { detectGatewayDrift } from '../gateway/sync-drift';
import { parseKubeconfig } from './kubeconfig';
import { createKubeClient, type KubeClient } from './kube-client';
import { readInventory } from './inventory';
import { createClusterStore, type ClusterRecord } from './store';
import { importClusters, type ImportRequest } from './import';
import { toDetail, toSummary } from './summary';
import { proxyPath, type ServiceProxyRequest } from './proxy';
import type { KubeResponse } from './kube-client';
import type { ClusterDetail, ClusterSummary, ImportResult, KubeconfigPreview } from './types';
import { GATEWAY_ADMIN_TOKEN_KIND } from './secrets';
import { createLimitsStoreService, isClusterLimitsSecret, readLimitsStore } from './limits-store';

/**
 * Clusters as the rest of Foundry sees them: import from a kubeconfig, list, check (version, nodes,
 * GPUs, gateway drift), remove, and `connect` for any part that needs to talk to a cluster's API
 * server (deployments, the agent's and gateway's service proxy). Each cluster is handled on its own:
 * a failure is recorded on that cluster and never stops the others.
 */

export interface ClusterServiceDeps {
  db: Db;
  vault: Vault;
  /** Deadline of one API request (default 15 s). */
  timeoutMs?: number;
}

export function createClusterService(deps: ClusterServiceDeps) {
  const store = createClusterStore(deps.db);
  /** Each cluster is compared with its own desired config (the shared part plus its limits store), rendered once per call. */
  const desiredHashes = () => {
    const desired = desiredGatewayConfigs(deps.db);
    return (id: string) => desired(id).configHash;
  };
  const summary = (c: ClusterRecord, hashOf: (id: string) => string) => toSummary(c, store.sync(c.id), hashOf(c.id), readLimitsStore(deps.db, c.id));

  function record(id: string): ClusterRecord {
    const c = store.get(id);
    if (!c) throw notFound(`Cluster ${id}`, 'Run `foundry clusters list` for the imported clusters.');
    return c;
  }

  async function connect(id: string, timeoutMs?: number): Promise<KubeClient> {
    const c = record(id);
    const kubeconfig = (await deps.vault.get(c.kubeconfigSecretId)).toString('utf8');
    return createKubeClient(kubeconfig, { cluster: c.name, timeoutMs: timeoutMs ?? deps.timeoutMs });
  }

  const service = {
    store,
    /** Each cluster's Redis for its gateway limits (set, replace, clear; the URL never comes back out). */
    limitsStore: createLimitsStoreService({ db: deps.db, vault: deps.vault }),

    /** The contexts a kubeconfig offers and whether each can be imported; stores nothing. */
    preview(kubeconfig: string): KubeconfigPreview {
      const parsed = parseKubeconfig(kubeconfig);
      return { contexts: parsed.contexts, currentContext: parsed.currentContext };
    },

    async import(req: ImportRequest, actor: string): Promise<ImportResult> {
      const result = await importClusters({ store, vault: deps.vault, timeoutMs: deps.timeoutMs }, req, actor);
      if (result.imported.length === 0) {
        const only = result.failed.length === 1 ? result.failed[0]! : null;
        throw new FoundryError(
          only
            ? { ...only.error, details: { context: only.context, ...(only.error.details as object | undefined) } }
            : {
                code: 'INVALID_INPUT',
                message: `None of the ${result.failed.length} contexts could be imported: ${result.failed.map((f) => `${f.context}: ${f.error.message}`).join(' ')}`,
                details: result.failed,
              },
        );
      }
      const hashOf = desiredHashes();
      return { imported: result.imported.map(({ id }) => summary(record(id), hashOf)), failed: result.failed };
    },

    list(): ClusterSummary[] {
      const hashOf = desiredHashes();
      return store.list().map((c) => summary(c, hashOf));
    },

    get(id: string): ClusterDetail {
      const c = record(id);
      return toDetail(summary(c, desiredHashes()), c);
    },

    /** A cluster by id or (case-insensitive) name, for the CLI. */
    resolve(ref: string): ClusterRecord {
      const c = store.get(ref) ?? store.findByName(ref);
      if (!c) throw notFound(`Cluster "${ref}"`, 'Run `foundry clusters list` for the imported clusters.');
      return c;
    },

    /**
     * Reads version, nodes and GPUs, and checks the gateway objects for drift when the cluster has
     * been synced. Cluster failures are recorded on the cluster and returned in its detail, not thrown.
     */
    async check(id: string, signal?: AbortSignal): Promise<ClusterDetail> {
      const c = record(id);
      try {
        const client = await connect(id);
        const inventory = await readInventory(client, signal);
        store.recordCheck(id, nowIso(), { inventory });
        const sync = store.sync(id);
        if (sync?.state === 'synced' && sync.configHash) {
          // The inventory is in; a drift check that fails (e.g. no RBAC on Secrets) leaves the last drift result as it was.
          const drift = await detectGatewayDrift(client, c.gatewayNamespace, sync.configHash, signal).catch(() => null);
          if (drift) store.recordDrift(id, nowIso(), drift);
        }
      } catch (err) {
        const e = toFoundryError(err);
        // Keychain and vault problems are not the cluster's fault: surface them instead of marking it unreachable.
        if (!e.code.startsWith('CLUSTER_')) throw e;
        store.recordCheck(id, nowIso(), { error: e.toJSON() });
      }
      return service.get(id);
    },

    /** Checks every cluster concurrently; one slow or unreachable cluster costs only its own timeout. */
    async checkAll(): Promise<ClusterSummary[]> {
      await Promise.all(store.list().map((c) => service.check(c.id)));
      return service.list();
    },

    /** Forgets a cluster: its record, its kubeconfig, gateway token and limits-store URL in the vault. What runs in the cluster stays. */
    remove(id: string, confirmName: string): ClusterSummary {
      const c = record(id);
      if (confirmName !== c.name) {
        throw invalid(
          `To remove cluster "${c.name}", type its name exactly; "${confirmName}" does not match.`,
          'Removing forgets its kubeconfig and history in Foundry; the gateway and workloads in the cluster keep running.',
        );
      }
      const removed = summary(c, desiredHashes());
      deps.db.transaction(() => {
        store.remove(id);
        for (const s of deps.vault.list()) {
          if (s.id === c.kubeconfigSecretId || (s.kind === GATEWAY_ADMIN_TOKEN_KIND && s.name === id) || isClusterLimitsSecret(s.kind, s.name, id)) deps.vault.remove(s.id);
        }
      })();
      return removed;
    },

    /** A client for this cluster's API server, with its kubeconfig decrypted into memory for the client's life. */
    connect,

    /**
     * Calls a Service in the cluster through the API server's service proxy
     * (GET /api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH): no inbound port, no load balancer.
     */
    async serviceProxy(id: string, req: ServiceProxyRequest): Promise<KubeResponse> {
      const client = await connect(id);
      return client.raw({
        method: req.method ?? 'GET',
        path: proxyPath(req),
        query: req.query,
        body: req.body,
        headers: req.headers,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
        action: `call ${req.service} in ${req.namespace} through the service proxy`,
      });
    },
  };
  return service;
}

export type ClusterService = ReturnType<typeof createClusterService>;
