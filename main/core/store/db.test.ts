import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, SCHEMA_VERSION } from './db';
import { MIGRATIONS } from './migrations';
import { tempDir } from '../testing/harness';
import { FoundryError } from '../errors';

const dirs: { remove(): void }[] = [];
const fresh = () => {
  const d = tempDir();
  dirs.push(d);
  return join(d.path, 'foundry.db');
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('openDatabase', () => {
  it('creates a WAL database with foreign keys and the current schema', () => {
    const path = fresh();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('backs up the file before migrating an existing database, and keeps its data', () => {
    const path = fresh();
    openDatabase(path).close();
    const seed = new Database(path);
    seed.prepare(`INSERT INTO meta (key, value) VALUES ('marker', 'kept')`).run();
    seed.close();
    const next = [...MIGRATIONS, { name: 'add-notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' }];
    const backups: string[] = [];
    const db = openDatabase(path, { migrations: next, onBackup: (p) => backups.push(p) });
    expect(db.pragma('user_version', { simple: true })).toBe(next.length);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'marker'`).get()).toEqual({ value: 'kept' });
    db.close();
    expect(backups).toHaveLength(1);
    const backup = new Database(backups[0]!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    backup.close();
  });

  it('refuses a database from a newer Foundry and leaves it byte for byte unchanged', () => {
    const path = fresh();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrowError(expect.objectContaining({ code: 'DB_TOO_NEW' }));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('.bak-'))).toEqual([]);
  });

  it('refuses a corrupt file with a clear message and does not modify it', () => {
    const path = fresh();
    const garbage = Buffer.from('this is not sqlite at all, just some bytes '.repeat(200));
    writeFileSync(path, garbage);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FoundryError);
    expect((error as FoundryError).code).toBe('DB_CORRUPT');
    expect((error as FoundryError).message).toContain(path);
    expect((error as FoundryError).hint).toMatch(/backup/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it('refuses a SQLite file whose pages were damaged', () => {
    const path = fresh();
    const db = openDatabase(path);
    const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    for (let i = 0; i < 2000; i++) insert.run(`k${i}`, 'v'.repeat(100));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 8192, 8192 + 4096 * 4);
    writeFileSync(path, bytes);
    expect(() => openDatabase(path)).toThrowError(expect.objectContaining({ code: 'DB_CORRUPT' }));
    expect(existsSync(path)).toBe(true);
  });
});
