import type { JobEngine } from '../jobs/engine';
import type { JobSummary } from '../jobs/types';
import type { Db } from '../store/db';
import type { ClusterStore } from '../clusters/store';
import { desiredGatewayConfigs } from './sync-objects';
import { GATEWAY_SYNC_JOB, type GatewaySyncInput } from './sync-job';

/**
 * Keeps every synced cluster's gateway config current. Any state change the core records (the
 * audit log sees every one) schedules a reconcile after a short quiet period; a slow timer also
 * reconciles, which picks up changes another process made (the CLI) in the same database.
 * A reconcile renders each cluster's config and resyncs the clusters whose applied config differs; when
 * nothing the gateway sees changed, it does nothing. While any gateway sync job runs (an auto one,
 * or one a user started here or in the CLI) it waits for that job and then looks again, so the
 * same cluster is never synced by two jobs at once.
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
  let waiting: string | null = null;
  let again = false;
  let stopped = false;

  function due(): { ids: string[]; names: string[] } {
    const ids = o.store.syncedClusterIds();
    if (ids.length === 0) return { ids: [], names: [] };
    // Each cluster against its own desired config: the shared part plus its limits store.
    const desired = desiredGatewayConfigs(o.db);
    const picked = ids
      .map((id) => ({ c: o.store.get(id), s: o.store.sync(id) }))
      .filter(({ c, s }) => c && s && s.configHash !== desired(c.id).configHash && !(s.state === 'failed' && now() - Date.parse(s.attemptedAt) < retryMs));
    return { ids: picked.map((p) => p.c!.id), names: picked.map((p) => p.c!.name) };
  }

  /** Looks again once the job ends: always after someone else's job, after ours only if changes came in meanwhile. */
  function waitFor(jobId: string, lookAgain: boolean): void {
    waiting = jobId;
    again ||= lookAgain;
    void o.jobs
      .wait(jobId)
      .catch(() => undefined)
      .finally(() => {
        waiting = null;
        if (again) {
          again = false;
          auto.notify();
        }
      });
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
      if (waiting) {
        again = true;
        return null;
      }
      const active = o.jobs.list({ status: 'running', limit: 500 }).find((j) => j.type === GATEWAY_SYNC_JOB);
      if (active) {
        waitFor(active.id, true);
        return null;
      }
      const { ids, names } = due();
      if (ids.length === 0) return null;
      const input: GatewaySyncInput = { clusterIds: ids, names, install: false, trigger: 'auto' };
      const job = o.jobs.start(GATEWAY_SYNC_JOB, input, 'foundry');
      waitFor(job.id, false);
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
