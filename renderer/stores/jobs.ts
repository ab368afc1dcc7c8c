/**
 * Background jobs: the list from jobs:list, kept live by core events, with log lines for the jobs
 * the drawer has opened. Jobs keep running while the user navigates; this store outlives pages.
 */
import { notifications } from '@mantine/notifications';
import { create } from 'zustand';
import type { JobLogLine, JobSummary } from '../../main/core/jobs/types';
import type { CoreEvent } from '../../main/core/transport';
import { call, getClient, toClientError } from '../client';
import type { EventStatus } from '../transports';
import { isActive, justEnded, mergeLogs, upsertJob } from './job-events';

interface JobsState {
  jobs: JobSummary[];
  logs: Record<string, JobLogLine[]>;
  live: EventStatus | 'off';
  drawerOpen: boolean;
  focusedJobId: string | null;
  load(): Promise<void>;
  connect(): () => void;
  loadLogs(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  openDrawer(jobId?: string): void;
  closeDrawer(): void;
  /** Adds a job the UI just started (e.g. vault:rotate) before its first event arrives. */
  track(job: JobSummary): void;
}

function announce(ended: JobSummary[]) {
  for (const job of ended) {
    const good = job.status === 'succeeded';
    notifications.show({
      title: `${job.title}: ${job.status}`,
      message: job.error?.message ?? (job.message || (good ? 'Finished.' : 'Open the jobs drawer for details.')),
      color: good ? 'teal' : job.status === 'cancelled' ? 'gray' : 'red',
    });
  }
}

export const useJobs = create<JobsState>()((set, get) => {
  const replaceJobs = (next: JobSummary[]) => {
    announce(justEnded(get().jobs, next));
    set({ jobs: next });
  };

  const onEvent = (event: CoreEvent) => {
    if (event.kind === 'job') replaceJobs(upsertJob(get().jobs, event.job));
    else if (event.kind === 'log' && get().logs[event.jobId]) {
      set({ logs: { ...get().logs, [event.jobId]: mergeLogs(get().logs[event.jobId] ?? [], [event.line]) } });
    }
  };

  return {
    jobs: [],
    logs: {},
    live: 'off',
    drawerOpen: false,
    focusedJobId: null,

    async load() {
      try {
        replaceJobs(await call('jobs:list', { limit: 50 }));
      } catch {
        // The status bar shows what it last knew; a lost session is handled by the client.
      }
    },

    connect() {
      const off = getClient().onEvent(onEvent, (live) => {
        set({ live });
        // After a reconnect, events sent while we were away are gone: re-read the list.
        if (live === 'open') void get().load();
      });
      // A slow safety net for missed events while something is running.
      const timer = setInterval(() => {
        if (get().jobs.some(isActive)) void get().load();
      }, 10_000);
      return () => {
        off();
        clearInterval(timer);
        set({ live: 'off', jobs: [], logs: {} });
      };
    },

    async loadLogs(jobId) {
      const have = get().logs[jobId] ?? [];
      try {
        const { job, logs } = await call('jobs:get', { jobId, afterLogSeq: have.at(-1)?.seq ?? 0 });
        replaceJobs(upsertJob(get().jobs, job));
        set({ logs: { ...get().logs, [jobId]: mergeLogs(get().logs[jobId] ?? [], logs) } });
      } catch (err) {
        notifications.show({ color: 'red', title: 'Could not load the job', message: toClientError(err).message });
      }
    },

    async cancel(jobId) {
      try {
        replaceJobs(upsertJob(get().jobs, await call('jobs:cancel', { jobId })));
      } catch (err) {
        const e = toClientError(err);
        notifications.show({ color: 'red', title: 'Could not cancel the job', message: e.hint ? `${e.message} ${e.hint}` : e.message });
      }
    },

    openDrawer(jobId) {
      set({ drawerOpen: true, focusedJobId: jobId ?? get().focusedJobId });
    },
    closeDrawer() {
      set({ drawerOpen: false });
    },
    track(job) {
      replaceJobs(upsertJob(get().jobs, job));
    },
  };
});
