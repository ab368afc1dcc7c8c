/** Pure bookkeeping for the jobs store: merging summaries and log lines as events arrive. */
import type { JobLogLine, JobStatus, JobSummary } from '../../main/core/jobs/types';

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);
export const isActive = (job: Pick<JobSummary, 'status'>) => !TERMINAL.has(job.status);

const MAX_LOG_LINES = 1000;

/** Inserts or replaces a job, keeping the list newest first. */
export function upsertJob(jobs: readonly JobSummary[], job: JobSummary): JobSummary[] {
  const rest = jobs.filter((j) => j.id !== job.id);
  return [job, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Jobs whose status moved from active to finished between two snapshots. */
export function justEnded(before: readonly JobSummary[], after: readonly JobSummary[]): JobSummary[] {
  const was = new Map(before.map((j) => [j.id, j.status]));
  return after.filter((j) => {
    const prev = was.get(j.id);
    return prev !== undefined && !TERMINAL.has(prev) && TERMINAL.has(j.status);
  });
}

/** Appends log lines by sequence number, dropping duplicates (a reconnect may replay some). */
export function mergeLogs(existing: readonly JobLogLine[], incoming: readonly JobLogLine[]): JobLogLine[] {
  const last = existing.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((l) => l.seq > last);
  if (fresh.length === 0) return existing as JobLogLine[];
  return [...existing, ...fresh].slice(-MAX_LOG_LINES);
}

export function runningSummary(jobs: readonly JobSummary[]): { count: number; progress: number } {
  const active = jobs.filter(isActive);
  if (active.length === 0) return { count: 0, progress: 0 };
  return { count: active.length, progress: active.reduce((sum, j) => sum + j.progress, 0) / active.length };
}
