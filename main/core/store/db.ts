import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { FoundryError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Overrides the shipped migrations; tests use it to simulate upgrades. */
  migrations?: readonly Migration[];
  /** Called with the backup path before any migration runs on an existing database. */
  onBackup?: (path: string) => void;
}

/**
 * Opens (creating if needed) the Foundry SQLite file: WAL, foreign keys, migrations.
 * Refuses a database written by a newer Foundry and a file that is not a healthy SQLite
 * database, without modifying either.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const existed = existsSync(path) && statSync(path).size > 0;
  mkdirSync(dirname(path), { recursive: true });

  const db = openRaw(path, existed);
  try {
    const version = userVersion(db);
    if (version > migrations.length) {
      throw new FoundryError({
        code: 'DB_TOO_NEW',
        message: `The database at ${path} was written by a newer Foundry (schema ${version}; this version knows ${migrations.length}).`,
        hint: 'Update Foundry, or point FOUNDRY_HOME at another folder. The file was not changed.',
      });
    }
    if (version < migrations.length) {
      if (existed && version > 0) backupBeforeMigrating(db, path, version, options.onBackup);
      runMigrations(db, migrations, version);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function openRaw(path: string, existed: boolean): Db {
  try {
    const db = new Database(path);
    // A corrupt or foreign file often opens fine and only fails on first read: probe it now.
    if (existed) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(String(check));
    }
    return db;
  } catch (err) {
    throw new FoundryError({
      code: 'DB_CORRUPT',
      message: `The database at ${path} is damaged or is not a Foundry database.`,
      hint: 'Restore the newest backup (foundry.db.bak-*) beside it, or move the file away to start fresh. Foundry did not modify it.',
      cause: err,
    });
  }
}

function userVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function backupBeforeMigrating(db: Db, path: string, from: number, onBackup?: (path: string) => void): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const backup = `${path}.bak-v${from}-${Date.now()}`;
  copyFileSync(path, backup);
  onBackup?.(backup);
}

function runMigrations(db: Db, migrations: readonly Migration[], from: number): void {
  const apply = db.transaction(() => {
    for (let v = from; v < migrations.length; v++) {
      db.exec(migrations[v]!.sql);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  apply();
}

export { SCHEMA_VERSION };

export function nowIso(): string {
  return new Date().toISOString();
}
