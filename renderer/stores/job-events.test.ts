import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../main/core/jobs/types';
import { justEnded, mergeLogs, runningSummary, upsertJob } from './job-events';

const job = (id: string, over: Partial<JobSummary> = {}): JobSummary => ({
  id,
  type: 'vault.rotate',
  title: `Job ${id}`,
  status: 'running',
  progress: 0.5,
  message: '',
  steps: [],
  result: null,
  error: null,
  createdBy: 'ada',
  createdAt: `2026-01-01T00:00:0${id}Z`,
  startedAt: null,
  finishedAt: null,
  ...over,
});

const line = (seq: number) => ({ seq, at: '2026-01-01T00:00:00Z', level: 'info' as const, message: `line ${seq}` });

describe('job bookkeeping', () => {
  it('replaces a job in place and keeps the newest first', () => {
    const jobs = upsertJob([job('1'), job('2')], job('1', { progress: 1 }));
    expect(jobs.map((j) => j.id)).toEqual(['2', '1']);
    expect(jobs[1]!.progress).toBe(1);
  });

  it('reports jobs that moved from running to a final state, and only those', () => {
    const before = [job('1'), job('2'), job('3', { status: 'failed' })];
    const after = [job('1', { status: 'succeeded' }), job('2'), job('3', { status: 'failed' }), job('4', { status: 'failed' })];
    expect(justEnded(before, after).map((j) => j.id)).toEqual(['1']);
  });

  it('appends log lines once even when a reconnect replays them', () => {
    const merged = mergeLogs([line(1), line(2)], [line(2), line(3)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('averages progress over the active jobs only', () => {
    expect(runningSummary([job('1', { progress: 0.2 }), job('2', { progress: 0.6 }), job('3', { status: 'succeeded', progress: 1 })])).toEqual({
      count: 2,
      progress: 0.4,
    });
    expect(runningSummary([])).toEqual({ count: 0, progress: 0 });
  });
});
