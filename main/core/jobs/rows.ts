import type { FoundryErrorShape } from '../errors';
import type { JobStatus, JobSummary } from './types';

export interface JobRow {
  id: string;
  type: string;
  title: string;
  status: JobStatus;
  input: string;
  progress: number;
  message: string;
  steps: string;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  owner: string | null;
  cancel_requested: number;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export function toSummary(r: JobRow): JobSummary {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    status: r.status,
    progress: r.progress,
    message: r.message,
    steps: JSON.parse(r.steps) as JobSummary['steps'],
    result: r.result === null ? null : JSON.parse(r.result),
    error: r.error === null ? null : (JSON.parse(r.error) as FoundryErrorShape),
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
