import type { FoundryErrorShape } from '../errors';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobSummary {
  id: string;
  type: string;
  title: string;
  status: JobStatus;
  progress: number;
  message: string;
  steps: { name: string; status: StepStatus }[];
  result: unknown;
  error: FoundryErrorShape | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobLogLine {
  seq: number;
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type JobEvent = { kind: 'job'; job: JobSummary } | { kind: 'log'; jobId: string; line: JobLogLine };

export interface JobContext<I> {
  id: string;
  input: I;
  /** What the job saved with saveCheckpoint before a restart, if anything. */
  checkpoint: unknown;
  /** What the starter handed over beside the input and never stored (a key the user typed); empty when nothing. */
  secrets: Readonly<Record<string, string>>;
  signal: AbortSignal;
  step(name: string): void;
  progress(fraction: number, message?: string): void;
  log(message: string, level?: JobLogLine['level']): void;
  saveCheckpoint(data: unknown): void;
}

export interface JobType<I, R> {
  type: string;
  title(input: I): string;
  /** Whether the job can continue from its checkpoint after Foundry restarts. */
  resumable: boolean;
  steps?: string[];
  run(ctx: JobContext<I>): Promise<R>;
}
