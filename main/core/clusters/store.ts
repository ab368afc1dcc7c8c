import type { Db } from '../store/db';
import type { FoundryErrorShape } from '../errors';
import type { AuthKind } from './kubeconfig';
import type { ClusterInventory } from './inventory';

/**
 * The clusters table and each cluster's gateway sync record. The kubeconfig itself is never here:
 * a row names the vault secret that holds it. Inventory and errors are cached JSON from the last check.
 */

export type ClusterSource = 'kubeconfig';

export interface ClusterRecord {
  id: string;
  name: string;
  source: ClusterSource;
  context: string;
  server: string;
  caFingerprint: string | null;
  authKind: AuthKind;
  kubeconfigSecretId: string;
  gatewayNamespace: string;
  createdBy: string;
  createdAt: string;
  /** When the last check ran, whatever its outcome. */
  checkedAt: string | null;
  /** The last inventory that was read successfully, and when. */
  inventory: ClusterInventory | null;
  inventoryAt: string | null;
  /** The last check's failure; null when it succeeded. */
  checkError: FoundryErrorShape | null;
}

export interface DriftedObject {
  kind: string;
  name: string;
  state: 'modified' | 'missing';
  /** Field managers other than Foundry that own data in the object, e.g. "kubectl-edit". */
  editedBy: string[];
}

export interface GatewaySyncRecord {
  state: 'synced' | 'failed';
  /** SHA-256 of the gateway config last applied to this cluster. */
  configHash: string | null;
  appliedAt: string | null;
  attemptedAt: string;
  installedAt: string | null;
  error: FoundryErrorShape | null;
  /** Objects found changed in the cluster at the last drift check; empty when none. */
  drift: DriftedObject[] | null;
  driftCheckedAt: string | null;
}

interface ClusterRow {
  id: string;
  name: string;
  source: string;
  context: string;
  server: string;
  ca_fingerprint: string | null;
  auth_kind: string;
  kubeconfig_secret_id: string;
  gateway_namespace: string;
  created_by: string;
  created_at: string;
  checked_at: string | null;
  inventory: string | null;
  inventory_at: string | null;
  check_error: string | null;
}

interface SyncRow {
  cluster_id: string;
  state: string;
  config_hash: string | null;
  applied_at: string | null;
  attempted_at: string;
  installed_at: string | null;
  error: string | null;
  drift: string | null;
  drift_checked_at: string | null;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

const toRecord = (r: ClusterRow): ClusterRecord => ({
  id: r.id,
  name: r.name,
  source: r.source as ClusterSource,
  context: r.context,
  server: r.server,
  caFingerprint: r.ca_fingerprint,
  authKind: r.auth_kind as AuthKind,
  kubeconfigSecretId: r.kubeconfig_secret_id,
  gatewayNamespace: r.gateway_namespace,
  createdBy: r.created_by,
  createdAt: r.created_at,
  checkedAt: r.checked_at,
  inventory: json(r.inventory),
  inventoryAt: r.inventory_at,
  checkError: json(r.check_error),
});

const toSync = (r: SyncRow): GatewaySyncRecord => ({
  state: r.state as GatewaySyncRecord['state'],
  configHash: r.config_hash,
  appliedAt: r.applied_at,
  attemptedAt: r.attempted_at,
  installedAt: r.installed_at,
  error: json(r.error),
  drift: json(r.drift),
  driftCheckedAt: r.drift_checked_at,
});

export type NewCluster = Omit<ClusterRecord, 'checkedAt' | 'inventory' | 'inventoryAt' | 'checkError'> & {
  checkedAt: string | null;
  inventory: ClusterInventory | null;
  checkError: FoundryErrorShape | null;
};

export function createClusterStore(db: Db) {
  const byId = db.prepare<[string], ClusterRow>('SELECT * FROM clusters WHERE id = ?');
  const syncById = db.prepare<[string], SyncRow>('SELECT * FROM cluster_gateway WHERE cluster_id = ?');

  return {
    list(): ClusterRecord[] {
      return db.prepare<[], ClusterRow>('SELECT * FROM clusters ORDER BY name').all().map(toRecord);
    },
    get(id: string): ClusterRecord | null {
      const row = byId.get(id);
      return row ? toRecord(row) : null;
    },
    findByName(name: string): ClusterRecord | null {
      const row = db.prepare<[string], ClusterRow>('SELECT * FROM clusters WHERE name = ?').get(name);
      return row ? toRecord(row) : null;
    },
    findByServerAndContext(server: string, context: string): ClusterRecord | null {
      const row = db.prepare<[string, string], ClusterRow>('SELECT * FROM clusters WHERE server = ? AND context = ?').get(server, context);
      return row ? toRecord(row) : null;
    },
    insert(c: NewCluster): void {
      db.prepare(
        `INSERT INTO clusters (id, name, source, context, server, ca_fingerprint, auth_kind, kubeconfig_secret_id, gateway_namespace,
           created_by, created_at, checked_at, inventory, inventory_at, check_error)
         VALUES (@id, @name, @source, @context, @server, @caFingerprint, @authKind, @kubeconfigSecretId, @gatewayNamespace,
           @createdBy, @createdAt, @checkedAt, @inventory, @inventoryAt, @checkError)`,
      ).run({
        ...c,
        inventory: c.inventory ? JSON.stringify(c.inventory) : null,
        inventoryAt: c.inventory ? c.checkedAt : null,
        checkError: c.checkError ? JSON.stringify(c.checkError) : null,
      });
    },
    recordCheck(id: string, at: string, outcome: { inventory: ClusterInventory } | { error: FoundryErrorShape }): void {
      if ('inventory' in outcome) {
        db.prepare('UPDATE clusters SET checked_at = ?, inventory = ?, inventory_at = ?, check_error = NULL WHERE id = ?').run(at, JSON.stringify(outcome.inventory), at, id);
      } else {
        db.prepare('UPDATE clusters SET checked_at = ?, check_error = ? WHERE id = ?').run(at, JSON.stringify(outcome.error), id);
      }
    },
    remove(id: string): void {
      db.prepare('DELETE FROM clusters WHERE id = ?').run(id);
    },

    sync(id: string): GatewaySyncRecord | null {
      const row = syncById.get(id);
      return row ? toSync(row) : null;
    },
    /** Every cluster the gateway config has been pushed to at least once (auto-sync keeps these current). */
    syncedClusterIds(): string[] {
      return db.prepare<[], { cluster_id: string }>('SELECT cluster_id FROM cluster_gateway ORDER BY cluster_id').all().map((r) => r.cluster_id);
    },
    recordSyncSuccess(id: string, at: string, fields: { configHash: string; installed: boolean; drift: DriftedObject[] }): void {
      db.prepare(
        `INSERT INTO cluster_gateway (cluster_id, state, config_hash, applied_at, attempted_at, installed_at, error, drift, drift_checked_at)
         VALUES (@id, 'synced', @configHash, @at, @at, @installedAt, NULL, @drift, @at)
         ON CONFLICT(cluster_id) DO UPDATE SET state = 'synced', config_hash = excluded.config_hash, applied_at = excluded.applied_at,
           attempted_at = excluded.attempted_at, installed_at = COALESCE(excluded.installed_at, cluster_gateway.installed_at),
           error = NULL, drift = excluded.drift, drift_checked_at = excluded.drift_checked_at`,
      ).run({ id, at, configHash: fields.configHash, installedAt: fields.installed ? at : null, drift: JSON.stringify(fields.drift) });
    },
    recordSyncFailure(id: string, at: string, error: FoundryErrorShape): void {
      db.prepare(
        `INSERT INTO cluster_gateway (cluster_id, state, attempted_at, error) VALUES (?, 'failed', ?, ?)
         ON CONFLICT(cluster_id) DO UPDATE SET state = 'failed', attempted_at = excluded.attempted_at, error = excluded.error`,
      ).run(id, at, JSON.stringify(error));
    },
    recordDrift(id: string, at: string, drift: DriftedObject[]): void {
      db.prepare('UPDATE cluster_gateway SET drift = ?, drift_checked_at = ? WHERE cluster_id = ?').run(JSON.stringify(drift), at, id);
    },
  };
}

export type ClusterStore = ReturnType<typeof createClusterStore>;
