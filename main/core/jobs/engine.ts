import { hostname } from 'node:os';
import { FoundryError, notFound, toFoundryError, type FoundryErrorShape } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import { isProcessAlive, type JobRow, toSummary } from './rows';
import type { JobContext, JobEvent, JobStatus, JobSummary, JobType, JobLogLine } from './types';
import type { CoreEventBus } from '../events';

/**
 * Runs long work as persisted jobs. Each job belongs to the process that runs it (its owner);
 * when Foundry starts, jobs whose owner is gone are resumed from their checkpoint if their type
 * allows it, or marked interrupted, never silently lost. Cancellation works across processes
 * (the CLI can cancel a job the app runs) through a flag the owner polls.
 */

const PERSIST_EVERY_MS = 150;
const CANCEL_POLL_MS = 1000;
const OWNER = `${hostname()}:${process.pid}`;
/** Abort reason for a process that is shutting down: its jobs stay open for recover() to adopt. */
const SHUTDOWN = Symbol('shutdown');

const NO_SECRETS: Readonly<Record<string, string>> = Object.freeze({});

export interface JobEngineOptions {
  db: Db;
  /** Tests give each engine its own owner id to stand for separate processes. */
  owner?: string;
  isOwnerAlive?: (owner: string) => boolean;
  /** Where job events go for the transports; subscribe() below stays for in-process listeners. */
  bus?: CoreEventBus;
}

export function createJobEngine({ db, owner = OWNER, isOwnerAlive = defaultOwnerAlive, bus }: JobEngineOptions) {
  const types = new Map<string, JobType<unknown, unknown>>();
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const listeners = new Set<(event: JobEvent) => void>();
  const byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  let cancelPoll: NodeJS.Timeout | undefined;

  const emit = (event: JobEvent) => {
    for (const l of listeners) l(event);
    bus?.publish(event, { permission: 'job:view' });
  };

  function update(id: string, fields: Partial<Record<keyof JobRow, unknown>>): JobSummary {
    const keys = Object.keys(fields);
    db.prepare(`UPDATE jobs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
    const summary = toSummary(byId.get(id)!);
    emit({ kind: 'job', job: summary });
    return summary;
  }

  function appendLog(id: string, level: JobLogLine['level'], message: string): void {
    const seq = (db.prepare<[string], { n: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM job_logs WHERE job_id = ?').get(id)!).n;
    const at = nowIso();
    db.prepare('INSERT INTO job_logs (job_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)').run(id, seq, at, level, message);
    emit({ kind: 'log', jobId: id, line: { seq, at, level, message } });
  }

  function execute(row: JobRow, secrets: Readonly<Record<string, string>> = NO_SECRETS): void {
    const type = types.get(row.type)!;
    const controller = new AbortController();
    const steps = (JSON.parse(row.steps) as JobSummary['steps']).map((s) => ({ ...s }));
    let lastPersist = 0;
    let pending: { progress: number; message: string } | null = null;
    let progress = row.progress; // last reported fraction, so a step change keeps it without a read

    const flush = (force = false) => {
      if (!pending || (!force && Date.now() - lastPersist < PERSIST_EVERY_MS)) return;
      lastPersist = Date.now();
      update(row.id, { progress: pending.progress, message: pending.message, steps: JSON.stringify(steps) });
      pending = null;
    };

    const ctx: JobContext<unknown> = {
      id: row.id,
      input: JSON.parse(row.input),
      checkpoint: row.checkpoint === null ? undefined : JSON.parse(row.checkpoint),
      secrets,
      signal: controller.signal,
      step(name) {
        for (const s of steps) if (s.status === 'running') s.status = 'done';
        const existing = steps.find((s) => s.name === name);
        if (existing) existing.status = 'running';
        else steps.push({ name, status: 'running' });
        pending = { progress, message: name };
        flush(true);
      },
      progress(fraction, message) {
        progress = Math.max(0, Math.min(1, fraction));
        pending = { progress, message: message ?? pending?.message ?? '' };
        flush();
      },
      log: (message, level = 'info') => appendLog(row.id, level, message),
      saveCheckpoint(data) {
        db.prepare('UPDATE jobs SET checkpoint = ? WHERE id = ?').run(JSON.stringify(data), row.id);
      },
    };

    update(row.id, { status: 'running', owner, started_at: row.started_at ?? nowIso() });
    const done = (async () => {
      try {
        const result = await type.run(ctx);
        flush(true);
        for (const s of steps) if (s.status === 'running') s.status = 'done';
        update(row.id, { status: 'succeeded', progress: 1, steps: JSON.stringify(steps), result: JSON.stringify(result ?? null), finished_at: nowIso() });
      } catch (err) {
        flush(true);
        if (controller.signal.reason === SHUTDOWN) return;
        const cancelled = controller.signal.aborted;
        const error = cancelled
          ? { code: 'CANCELLED', message: 'The job was cancelled.' }
          : toFoundryError(err).toJSON();
        for (const s of steps) if (s.status === 'running') s.status = cancelled ? 'cancelled' : 'failed';
        if (!cancelled) appendLog(row.id, 'error', error.message);
        update(row.id, {
          status: cancelled ? 'cancelled' : 'failed',
          steps: JSON.stringify(steps),
          error: JSON.stringify(error),
          finished_at: nowIso(),
        });
      } finally {
        running.delete(row.id);
        if (running.size === 0 && cancelPoll) {
          clearInterval(cancelPoll);
          cancelPoll = undefined;
        }
      }
    })();
    running.set(row.id, { controller, done });
    cancelPoll ??= setInterval(pollCancelRequests, CANCEL_POLL_MS).unref();
  }

  function pollCancelRequests(): void {
    for (const [id, job] of running) {
      const row = byId.get(id);
      if (row?.cancel_requested) job.controller.abort();
    }
  }

  const engine = {
    register<I, R>(type: JobType<I, R>): void {
      if (types.has(type.type)) throw new Error(`job type ${type.type} registered twice`);
      types.set(type.type, type as JobType<unknown, unknown>);
    },

    /**
     * `secrets` reach the job's run and nothing else: they are not stored, so only a job that cannot resume after a
     * restart may take them (one that could would resume without them).
     */
    start<I>(typeName: string, input: I, actor: string, secrets?: Record<string, string>): JobSummary {
      const type = types.get(typeName);
      if (!type) throw notFound(`Job type ${typeName}`);
      if (secrets && type.resumable) throw new Error(`job type ${typeName} resumes after a restart, so it cannot take secrets that are never stored`);
      const id = newId('job');
      db.prepare(
        `INSERT INTO jobs (id, type, title, status, input, steps, owner, created_by, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      ).run(
        id,
        typeName,
        type.title(input),
        JSON.stringify(input ?? null),
        JSON.stringify((type.steps ?? []).map((name) => ({ name, status: 'pending' }))),
        owner,
        actor,
        nowIso(),
      );
      execute(byId.get(id)!, secrets ? Object.freeze({ ...secrets }) : NO_SECRETS);
      return toSummary(byId.get(id)!);
    },

    get(id: string): JobSummary {
      const row = byId.get(id);
      if (!row) throw notFound(`Job ${id}`);
      return toSummary(row);
    },

    list(options: { limit?: number; status?: JobStatus } = {}): JobSummary[] {
      return db
        .prepare<[string | null, string | null, number], JobRow>(
          'SELECT * FROM jobs WHERE (? IS NULL OR status = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?',
        )
        .all(options.status ?? null, options.status ?? null, options.limit ?? 50)
        .map(toSummary);
    },

    logs(id: string, afterSeq = 0): JobLogLine[] {
      engine.get(id);
      return db
        .prepare<[string, number], JobLogLine>('SELECT seq, at, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq')
        .all(id, afterSeq);
    },

    cancel(id: string): JobSummary {
      const job = engine.get(id);
      if (!['queued', 'running'].includes(job.status)) {
        throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `Job ${id} has already ${job.status}.` });
      }
      db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(id);
      running.get(id)?.controller.abort();
      return engine.get(id);
    },

    /** Resolves when the job ends, with its final summary. */
    async wait(id: string): Promise<JobSummary> {
      const local = running.get(id);
      if (local) await local.done;
      for (;;) {
        const job = engine.get(id);
        if (!['queued', 'running'].includes(job.status)) return job;
        await new Promise((r) => setTimeout(r, 200));
      }
    },

    /**
     * Adopts jobs whose owning process is gone: resumable types continue from their checkpoint,
     * the others are marked interrupted with a reason the user can read.
     */
    recover(): { resumed: string[]; interrupted: string[] } {
      const orphans = db
        .prepare<[], JobRow>(`SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at`)
        .all()
        .filter((r) => r.owner !== owner && !isOwnerAlive(r.owner ?? ''));
      const resumed: string[] = [];
      const interrupted: string[] = [];
      for (const row of orphans) {
        const type = types.get(row.type);
        if (type?.resumable && !row.cancel_requested) {
          appendLog(row.id, 'warn', 'Foundry restarted; resuming from the last checkpoint.');
          execute({ ...row, owner });
          resumed.push(row.id);
        } else {
          const error: FoundryErrorShape = {
            code: 'INTERRUPTED',
            message: 'Foundry stopped while this job was running, and this kind of job cannot resume.',
            hint: 'Start it again.',
          };
          appendLog(row.id, 'error', error.message);
          update(row.id, { status: 'interrupted', error: JSON.stringify(error), finished_at: nowIso() });
          interrupted.push(row.id);
        }
      }
      return { resumed, interrupted };
    },

    subscribe(listener: (event: JobEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Stops local jobs and waits for them to settle; they stay open so the next start can resume them. */
    async shutdown(graceMs = 5000): Promise<void> {
      const pending = [...running.values()];
      for (const job of pending) job.controller.abort(SHUTDOWN);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
      await Promise.race([Promise.allSettled(pending.map((j) => j.done)), grace]);
      clearTimeout(timer);
    },
  };
  return engine;
}

function defaultOwnerAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return true; // another machine sharing the file: do not steal its jobs
  return isProcessAlive(Number(pid));
}

export type JobEngine = ReturnType<typeof createJobEngine>;
