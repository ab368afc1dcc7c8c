import { toFoundryError, type FoundryErrorShape } from '../errors';
import { nowIso, type Db } from '../store/db';
import type { Vault } from '../vault/vault';
import type { ClusterService } from '../clusters/service';
import { applyAll, describeObject } from '../clusters/apply';
import { gatewayAdminToken } from '../clusters/secrets';
import type { DriftedObject } from '../clusters/store';
import { desiredGatewayConfigs, GATEWAY_SECRET, gatewayInstallObjects, gatewaySyncObjects, type DesiredGatewayConfig } from './sync-objects';
import { checkGatewayOwnership, desktopIdentity } from './ownership';
import { describeDrift, detectGatewayDrift } from './sync-drift';

/**
 * One cluster's sync: render the config as the desktop has it right now, report any drift found
 * in the cluster, apply Namespace + Secret + ConfigMap (and the workload on install) with
 * server-side apply, force included (Foundry owns these objects; a hand edit is drift to undo),
 * then read them back to confirm, and record the outcome on the cluster.
 */

export interface SyncDeps {
  db: Db;
  vault: Vault;
  clusters: ClusterService;
}

export interface SyncOptions {
  install: boolean;
  /** The gzip bundle, loaded once per job when installing. */
  bundleGz?: Uint8Array;
  image?: string;
  /** Overwrite a gateway another desktop owns (a manual, explicit choice; automatic resyncs never do). */
  takeOver?: boolean;
  /** The job's renderer (shared part rendered once per job); by default one is made for this sync. */
  desired?: (clusterId: string) => DesiredGatewayConfig;
  signal?: AbortSignal;
  log?: (message: string, level?: 'info' | 'warn' | 'error') => void;
}

export interface SyncOutcome {
  clusterId: string;
  name: string;
  ok: boolean;
  configHash: string | null;
  /** What had been changed in the cluster before this sync overwrote it. */
  driftFound: DriftedObject[];
  installed: boolean;
  /** The host of the desktop whose gateway this sync took over, if it did. */
  tookOverFrom: string | null;
  objects: string[];
  error: FoundryErrorShape | null;
}

/** The secret files (provider keys, JWT secret, Redis URL), opened from the vault for the time of one sync; they leave the desktop only inside the Secret. */
async function providerKeys(vault: Vault, desired: DesiredGatewayConfig): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [file, secretId] of Object.entries(desired.providerKeys)) out[file] = (await vault.get(secretId)).toString('utf8');
  return out;
}

export async function syncGatewayToCluster(deps: SyncDeps, clusterId: string, options: SyncOptions): Promise<SyncOutcome> {
  const cluster = deps.clusters.store.get(clusterId);
  const name = cluster?.name ?? clusterId;
  const log = options.log ?? (() => undefined);
  const outcome: SyncOutcome = { clusterId, name, ok: false, configHash: null, driftFound: [], installed: false, tookOverFrom: null, objects: [], error: null };
  try {
    const c = deps.clusters.resolve(clusterId);
    const client = await deps.clusters.connect(clusterId);
    const adminToken = await gatewayAdminToken(deps.vault, clusterId);
    const previous = deps.clusters.store.sync(clusterId);
    const me = desktopIdentity(deps.db);
    const owned = await checkGatewayOwnership(client, c.gatewayNamespace, GATEWAY_SECRET, me, {
      takeOver: options.takeOver ?? false,
      syncedBefore: previous?.configHash != null,
      clusterName: name,
      signal: options.signal,
    });
    if (owned.tookOverFrom) {
      outcome.tookOverFrom = owned.tookOverFrom;
      log(`${name}: taking the gateway over from ${owned.tookOverFrom}; its API keys and admin token stop working in this cluster.`, 'warn');
    }
    if (previous?.configHash) {
      outcome.driftFound = await detectGatewayDrift(client, c.gatewayNamespace, previous.configHash, options.signal);
      if (outcome.driftFound.length) log(`${name}: drift found and overwritten: ${describeDrift(outcome.driftFound)}.`, 'warn');
    }
    const desired = (options.desired ?? desiredGatewayConfigs(deps.db))(clusterId);
    const target = { namespace: c.gatewayNamespace, adminToken, providerKeys: await providerKeys(deps.vault, desired), owner: me };
    const objects = options.install
      ? gatewayInstallObjects(desired, target, { bundleGz: options.bundleGz!, image: options.image })
      : gatewaySyncObjects(desired, target);
    await applyAll(client, objects, { force: true, signal: options.signal });
    outcome.objects = objects.map(describeObject);
    const after = await detectGatewayDrift(client, c.gatewayNamespace, desired.configHash, options.signal);
    deps.clusters.store.recordSyncSuccess(clusterId, nowIso(), { configHash: desired.configHash, installed: options.install, drift: after });
    Object.assign(outcome, { ok: true, configHash: desired.configHash, installed: options.install });
    const keyFiles = Object.keys(desired.providerKeys).length;
    log(`${name}: applied ${objects.length} objects to ${c.gatewayNamespace} (config ${desired.configHash.slice(0, 12)}, ${desired.apiKeys.length} API keys, ${keyFiles} secret file${keyFiles === 1 ? '' : 's'}, limits ${desired.limitsBackend === 'redis' ? 'shared through Redis' : 'per replica'}).`);
  } catch (err) {
    const e = toFoundryError(err);
    outcome.error = e.toJSON();
    if (e.code !== 'CANCELLED' && cluster) deps.clusters.store.recordSyncFailure(clusterId, nowIso(), outcome.error);
    log(`${name}: ${e.message}${e.hint ? ` ${e.hint}` : ''}`, 'error');
  }
  return outcome;
}
