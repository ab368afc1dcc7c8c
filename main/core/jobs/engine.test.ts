import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/db';
import { createJobEngine } from './engine';
import type { JobEvent, JobType } from './types';
import { tempDir } from '../testing/harness';

/** A job type that exists only in these tests: counts to `to`, checkpointing each step. */
const counter = (gate?: { release: Promise<void> }): JobType<{ to: number }, { counted: number; resumedFrom: number }> => ({
  type: 'test.count',
  title: (input) => `Count to ${input.to}`,
  resumable: true,
  steps: ['prepare', 'count'],
  async run(ctx) {
    ctx.step('prepare');
    const start = (ctx.checkpoint as { at?: number } | undefined)?.at ?? 0;
    ctx.step('count');
    for (let i = start; i < ctx.input.to; i++) {
      ctx.signal.throwIfAborted();
      if (gate && i === 2) await gate.release;
      ctx.progress((i + 1) / ctx.input.to, `${i + 1} of ${ctx.input.to}`);
      ctx.saveCheckpoint({ at: i + 1 });
      ctx.log(`counted ${i + 1}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    return { counted: ctx.input.to, resumedFrom: start };
  },
});

const fragile: JobType<Record<string, never>, never> = {
  type: 'test.fragile',
  title: () => 'Cannot resume',
  resumable: false,
  async run(ctx) {
    return new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
  },
};

const failing: JobType<Record<string, never>, never> = {
  type: 'test.failing',
  title: () => 'Fails',
  resumable: false,
  async run(ctx) {
    ctx.step('explode');
    throw new Error('boom');
  },
};

let dir: ReturnType<typeof tempDir>;
let dbs: Db[] = [];
const open = () => {
  const db = openDatabase(join(dir.path, 'foundry.db'));
  dbs.push(db);
  return db;
};

afterEach(() => {
  dbs.forEach((d) => d.close());
  dbs = [];
  dir?.remove();
});

describe('job engine', () => {
  it('runs a job to the end with steps, progress, logs and result persisted', async () => {
    dir = tempDir();
    const engine = createJobEngine({ db: open(), owner: 'test:a' });
    engine.register(counter());
    const events: JobEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const job = engine.start('test.count', { to: 5 }, 'ada');
    const done = await engine.wait(job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, result: { counted: 5, resumedFrom: 0 } });
    expect(done.steps).toEqual([
      { name: 'prepare', status: 'done' },
      { name: 'count', status: 'done' },
    ]);
    expect(engine.logs(job.id).map((l) => l.message)).toEqual(['counted 1', 'counted 2', 'counted 3', 'counted 4', 'counted 5']);
    expect(events.some((e) => e.kind === 'job' && e.job.status === 'running')).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'job', job: { status: 'succeeded' } });
  });

  it('records a failure with its error and the failed step', async () => {
    dir = tempDir();
    const engine = createJobEngine({ db: open(), owner: 'test:a' });
    engine.register(failing);
    const done = await engine.wait(engine.start('test.failing', {}, 'ada').id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('INTERNAL');
    expect(done.steps).toEqual([{ name: 'explode', status: 'failed' }]);
  });

  it('cancels a running job', async () => {
    dir = tempDir();
    let release!: () => void;
    const gate = { release: new Promise<void>((r) => (release = r)) };
    const engine = createJobEngine({ db: open(), owner: 'test:a' });
    engine.register(counter(gate));
    const job = engine.start('test.count', { to: 10 }, 'ada');
    await new Promise((r) => setTimeout(r, 30));
    engine.cancel(job.id);
    release();
    const done = await engine.wait(job.id);
    expect(done.status).toBe('cancelled');
    expect(done.error?.code).toBe('CANCELLED');
    expect(() => engine.cancel(job.id)).toThrowError(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
  });

  it('cancels a job owned by another process through the database', async () => {
    dir = tempDir();
    let release!: () => void;
    const gate = { release: new Promise<void>((r) => (release = r)) };
    const owner = createJobEngine({ db: open(), owner: 'test:owner' });
    owner.register(counter(gate));
    const other = createJobEngine({ db: open(), owner: 'test:cli', isOwnerAlive: () => true });
    other.register(counter());
    const job = owner.start('test.count', { to: 10 }, 'ada');
    other.cancel(job.id);
    await new Promise((r) => setTimeout(r, 1200));
    release();
    expect((await owner.wait(job.id)).status).toBe('cancelled');
  });

  it('hands secrets to the run without storing them, and refuses them to a job that could resume without them', async () => {
    dir = tempDir();
    const db = open();
    const engine = createJobEngine({ db, owner: 'host:1' });
    const echo: JobType<{ label: string }, { keyLength: number }> = {
      type: 'test.secret',
      title: (i) => `Uses a key for ${i.label}`,
      resumable: false,
      run: async (ctx) => ({ keyLength: (ctx.secrets.apiKey ?? '').length }),
    };
    engine.register(echo);
    engine.register(counter());
    const job = engine.start('test.secret', { label: 'gateway' }, 'ada', { apiKey: 'fdy_secret-value-123' });
    expect((await engine.wait(job.id)).result).toEqual({ keyLength: 20 });
    const without = engine.start('test.secret', { label: 'none' }, 'ada');
    expect((await engine.wait(without.id)).result).toEqual({ keyLength: 0 });
    const stored = JSON.stringify(db.prepare('SELECT * FROM jobs').all()) + JSON.stringify(db.prepare('SELECT * FROM job_logs').all());
    expect(stored).toContain('gateway');
    expect(stored).not.toContain('fdy_secret-value-123');
    expect(() => engine.start('test.count', { to: 1 }, 'ada', { apiKey: 'x' })).toThrow(/resumes after a restart/);
  });

  it('after a restart, resumes a resumable job from its checkpoint and marks the others interrupted', async () => {
    dir = tempDir();
    let release!: () => void;
    const gate = { release: new Promise<void>((r) => (release = r)) };
    const first = createJobEngine({ db: open(), owner: 'host:1' });
    first.register(counter(gate));
    first.register(fragile);
    const resumable = first.start('test.count', { to: 6 }, 'ada');
    const stuck = first.start('test.fragile', {}, 'ada');
    await new Promise((r) => setTimeout(r, 50));
    // The first process "dies" here: its jobs stay running in the database.

    const second = createJobEngine({ db: open(), owner: 'host:2', isOwnerAlive: (o) => o === 'host:2' });
    second.register(counter());
    second.register(fragile);
    const recovered = second.recover();
    expect(recovered).toEqual({ resumed: [resumable.id], interrupted: [stuck.id] });
    const done = await second.wait(resumable.id);
    expect(done).toMatchObject({ status: 'succeeded', result: { counted: 6, resumedFrom: 2 } });
    const interrupted = second.get(stuck.id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error?.message).toMatch(/cannot resume/);
    expect(second.logs(resumable.id).some((l) => l.message.includes('resuming'))).toBe(true);
    const stopping = first.shutdown();
    release();
    await stopping;
  });

  it('leaves jobs of a live owner alone', async () => {
    dir = tempDir();
    const first = createJobEngine({ db: open(), owner: 'host:1' });
    first.register(fragile);
    const job = first.start('test.fragile', {}, 'ada');
    const second = createJobEngine({ db: open(), owner: 'host:2', isOwnerAlive: () => true });
    second.register(fragile);
    expect(second.recover()).toEqual({ resumed: [], interrupted: [] });
    expect(second.get(job.id).status).toBe('running');
    await first.shutdown();
    expect(second.get(job.id).status).toBe('running');
  });
});
