import type { JobEngine } from '../jobs/engine';
import type { JobSummary } from '../jobs/types';
import type { Db } from '../store/db';
import type { ClusterStore } from '../clusters/store';
import { desiredGatewayConfig } from './sync-objects';
import { GATEWAY_SYNC_JOB, type GatewaySyncInput } from './sync-job';

/**
 * Keeps every synced cluster's gateway config current. Any state change the core records (the
 * audit log sees every one) schedules a reconcile after a short quiet period; a slow timer also
 * reconciles, which picks up changes another process made (the CLI) in the same database.
 * A reconcile renders the config and resyncs the clusters whose applied config differs; when
 * nothing the gateway sees changed, it does nothing. One auto job at a time; changes that arrive
 * while it runs are picked up by the next.
 */

export interface AutoSyncOptions {
  db: Db;
  jobs: JobEngine;
  store: ClusterStore;
  debounceMs?: number;
  intervalMs?: number;
  /** A cluster whose last attempt failed is retried no sooner than this. */
  retryFailedAfterMs?: number;
  now?: () => number;
}

export function createGatewayAutoSync(o: AutoSyncOptions) {
  const debounceMs = o.debounceMs ?? 1000;
  const retryMs = o.retryFailedAfterMs ?? 60_000;
  const now = o.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: string | null = null;
  let again = false;
  let stopped = false;

  function due(): { ids: string[]; names: string[] } {
    const ids = o.store.syncedClusterIds();
    if (ids.length === 0) return { ids: [], names: [] };
    const hash = desiredGatewayConfig(o.db).configHash;
    const picked = ids
      .map((id) => ({ c: o.store.get(id), s: o.store.sync(id) }))
      .filter(({ c, s }) => c && s && s.configHash !== hash && !(s.state === 'failed' && now() - Date.parse(s.attemptedAt) < retryMs));
    return { ids: picked.map((p) => p.c!.id), names: picked.map((p) => p.c!.name) };
  }

  const auto = {
    /** Something changed: reconcile once things are quiet. */
    notify(): void {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(() => void auto.reconcile().catch(() => undefined), debounceMs);
      timer.unref();
    },

    /** Starts a resync job for the clusters that are behind; null when none is needed (or one is running). */
    async reconcile(): Promise<JobSummary | null> {
      if (stopped) return null;
      if (running) {
        again = true;
        return null;
      }
      const { ids, names } = due();
      if (ids.length === 0) return null;
      const input: GatewaySyncInput = { clusterIds: ids, names, install: false, trigger: 'auto' };
      const job = o.jobs.start(GATEWAY_SYNC_JOB, input, 'foundry');
      running = job.id;
      void o.jobs
        .wait(job.id)
        .catch(() => undefined)
        .finally(() => {
          running = null;
          if (again) {
            again = false;
            auto.notify();
          }
        });
      return job;
    },

    stop(): void {
      stopped = true;
      clearTimeout(timer);
      clearInterval(interval);
    },
  };
  const interval = setInterval(() => void auto.reconcile().catch(() => undefined), o.intervalMs ?? 30_000);
  interval.unref();
  return auto;
}

export type GatewayAutoSync = ReturnType<typeof createGatewayAutoSync>;
