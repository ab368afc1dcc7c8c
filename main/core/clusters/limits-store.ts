import { FoundryError, notFound } from '../errors';
import { nowIso, type Db } from '../store/db';
import type { Vault } from '../vault/vault';
import { checkRedisUrl } from './limits-store-url';
import type { LimitsStore, LimitsStoreChange } from './types';

/**
 * Each cluster's limits store: the Redis URL its gateway replicas share their token buckets and
 * budgets through. The URL is sealed in the vault the moment it arrives, under a name carrying its
 * revision, and is read back only at sync time into the cluster's gateway Secret; nothing here
 * returns, logs or audits it. The rendered config names the URL's file by revision, so a new URL
 * changes the config and every replica reloads onto it.
 */

export const LIMITS_REDIS_URL_KIND = 'cluster-limits-redis-url';

interface Row {
  cluster_id: string;
  secret_id: string | null;
  revision: number;
  updated_at: string;
  updated_by: string;
}

/** What rendering needs: which vault secret holds the URL, and the revision that names its file. */
export interface LimitsStoreSecret {
  secretId: string;
  revision: number;
}

const vaultName = (clusterId: string, revision: number) => `${clusterId}/r${revision}`;
/** The vault names a cluster's URLs take: removing the cluster removes them all. */
export const isClusterLimitsSecret = (kind: string, name: string, clusterId: string) => kind === LIMITS_REDIS_URL_KIND && name.startsWith(`${clusterId}/`);

const row = (db: Db, clusterId: string) => db.prepare<[string], Row>('SELECT * FROM cluster_limits_store WHERE cluster_id = ?').get(clusterId);

export function readLimitsStore(db: Db, clusterId: string): LimitsStore | null {
  const r = row(db, clusterId);
  return r?.secret_id ? { backend: 'redis', revision: r.revision, updatedAt: r.updated_at, updatedBy: r.updated_by } : null;
}

/** The cluster's store secret as it is now (read at each cluster's sync, so a URL set mid-job is never stale). */
export function limitsStoreSecret(db: Db, clusterId: string): LimitsStoreSecret | undefined {
  const r = row(db, clusterId);
  return r?.secret_id ? { secretId: r.secret_id, revision: r.revision } : undefined;
}

export function createLimitsStoreService({ db, vault }: { db: Db; vault: Vault }) {
  const exists = (clusterId: string) => db.prepare<[string], { id: string }>('SELECT id FROM clusters WHERE id = ?').get(clusterId) !== undefined;
  const mustExist = (clusterId: string) => {
    if (!exists(clusterId)) throw notFound(`Cluster ${clusterId}`, 'Run `foundry clusters list` for the imported clusters.');
  };

  return {
    get: (clusterId: string): LimitsStore | null => readLimitsStore(db, clusterId),

    /** Points the cluster's gateways at a Redis; they share every limit through it after the next sync. */
    async set(clusterId: string, redisUrl: string, actor: string): Promise<LimitsStoreChange> {
      mustExist(clusterId);
      const url = checkRedisUrl(redisUrl);
      const before = row(db, clusterId);
      const revision = (before?.revision ?? 0) + 1;
      // Sealed under a new name first: until the row points at it, the old URL stays intact.
      const sealed = await vault.put(LIMITS_REDIS_URL_KIND, vaultName(clusterId, revision), url);
      try {
        db.prepare(
          `INSERT INTO cluster_limits_store (cluster_id, secret_id, revision, updated_at, updated_by) VALUES (@clusterId, @secretId, @revision, @at, @by)
           ON CONFLICT(cluster_id) DO UPDATE SET secret_id = @secretId, revision = @revision, updated_at = @at, updated_by = @by`,
        ).run({ clusterId, secretId: sealed.id, revision, at: nowIso(), by: actor });
      } catch (err) {
        vault.remove(sealed.id);
        throw err;
      }
      if (before?.secret_id) vault.remove(before.secret_id);
      return { clusterId, change: before?.secret_id ? 'replaced' : 'set', revision };
    },

    /** Back to counting in each replica's memory; the URL leaves the vault. */
    clear(clusterId: string, actor: string): LimitsStoreChange {
      mustExist(clusterId);
      const before = row(db, clusterId);
      if (!before?.secret_id) {
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: 'This cluster has no limits store; its gateway replicas already count limits each on their own. Nothing was changed.',
          hint: 'Set a Redis URL to share limits exactly across replicas.',
        });
      }
      db.prepare('UPDATE cluster_limits_store SET secret_id = NULL, updated_at = ?, updated_by = ? WHERE cluster_id = ?').run(nowIso(), actor, clusterId);
      vault.remove(before.secret_id);
      return { clusterId, change: 'cleared', revision: before.revision };
    },
  };
}

export type LimitsStoreService = ReturnType<typeof createLimitsStoreService>;
