/**
 * Images on a mounted volume. Writes go to a temporary name and are renamed into place, so a
 * reader (this replica or another on the same ReadWriteMany volume) never sees half a file.
 * Images nobody can fetch any more (their URLs expired) are swept every few minutes.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ObjectStore, StoredObject } from './store';
import { storageError } from './store';

const TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
const SWEEP_MS = 5 * 60_000;

export class VolumeStore implements ObjectStore {
  readonly kind = 'volume' as const;
  private readonly dir: string;
  private readonly timer: NodeJS.Timeout;
  private ready: Promise<unknown> | null = null;

  constructor(root: string, prefix: string, private readonly maxAgeMs: number) {
    this.dir = join(root, prefix);
    this.timer = setInterval(() => void this.sweep(Date.now()), SWEEP_MS);
    this.timer.unref();
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    try {
      await (this.ready ??= mkdir(this.dir, { recursive: true }).catch((err) => {
        this.ready = null;
        throw err;
      }));
      const tmp = join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
      await writeFile(tmp, bytes, { mode: 0o640 });
      await rename(tmp, join(this.dir, key));
    } catch (err) {
      throw storageError(`cannot write to the volume (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = join(this.dir, key);
    try {
      const s = await stat(path);
      return { body: createReadStream(path), length: s.size, contentType: TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw storageError(`cannot read from the volume (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    }
  }

  /** Deletes images older than the URL lifetime; returns how many went. Other replicas may race: ENOENT is fine. */
  async sweep(now: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const s = await stat(path);
        if (now - s.mtimeMs > this.maxAgeMs) {
          await unlink(path);
          removed++;
        }
      } catch {
        // gone already (another replica swept it)
      }
    }
    return removed;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
