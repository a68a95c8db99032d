/**
 * Backup and restore of the SQLite file. A backup is SQLite's online backup (better-sqlite3's
 * `db.backup()`): a consistent copy taken while `serve` answers and a sync writes. A restore checks the
 * copy (a database of this project, intact, a schema this code knows), refuses while the database is in
 * use, and replaces the file atomically: copied beside it, then renamed over it.
 */
import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openConnection } from './connection';
import type { LeaseHolder } from './interface';
import { latestSchemaVersion } from './migrate';

/** A backup or restore refused or failed, with what to do; the CLI prints the message alone. */
export class BackupError extends Error {}

/** Pages copied per step: the copy yields between steps, and reports progress. */
const STEP_PAGES = 4096;
/** A write by another connection restarts an online backup; after this many, the rest is copied at once. */
const MAX_RESTARTS = 2;

export interface BackupResult {
  pages: number;
  bytes: number;
  restarts: number;
}

function requireDirectory(path: string, what: string): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BackupError(
      `the directory ${dir} of ${what} does not exist; create it first, or choose another path`,
    );
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies the database at `source` to `file`, consistently, while other processes read and write it. */
export async function backupDatabase(
  source: string,
  file: string,
  options: {
    force?: boolean;
    signal?: AbortSignal;
    onProgress?: (copiedPages: number, totalPages: number) => void;
  } = {},
): Promise<BackupResult> {
  const target = resolve(file);
  if (!existsSync(source))
    throw new BackupError(`there is no database at ${source} (DATABASE_PATH) to back up`);
  if (target === resolve(source))
    throw new BackupError(`${file} is the database itself (DATABASE_PATH); choose another FILE`);
  requireDirectory(target, 'the backup');
  if (existsSync(target) && !options.force)
    throw new BackupError(`${file} already exists; pass --force to replace it, or choose another FILE`);
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const db = openConnection(source, { readonly: true });
  let restarts = 0;
  try {
    let remaining = Infinity;
    const done = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        options.signal?.throwIfAborted();
        if (remainingPages > remaining) restarts++;
        remaining = remainingPages;
        options.onProgress?.(totalPages - remainingPages, totalPages);
        // One step holds a read snapshot, which a writer cannot restart (WAL lets the writer go on).
        return restarts >= MAX_RESTARTS ? 0x7fffffff : STEP_PAGES;
      },
    });
    options.onProgress?.(done.totalPages, done.totalPages);
    syncFile(partial);
    renameSync(partial, target);
    return { pages: done.totalPages, bytes: statSync(target).size, restarts };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  schemaVersion: number;
  bytes: number;
  /** The file at the target that was replaced, if there was one. */
  replaced: boolean;
}

/**
 * Puts the backup `file` in place at `target`. `liveLease` says whether a lease holder is still
 * syncing (sync/lock.ts holds that policy); a database whose lease is held live, or that another
 * connection has open, is left alone.
 */
export function restoreDatabase(
  file: string,
  target: string,
  options: { liveLease: (holder: LeaseHolder) => boolean },
): RestoreResult {
  const source = resolve(file);
  if (!existsSync(source) || !statSync(source).isFile())
    throw new BackupError(`there is no backup file at ${file}`);
  if (source === resolve(target))
    throw new BackupError(`${file} is the database itself (DATABASE_PATH); nothing to restore`);
  if (existsSync(`${source}-wal`))
    throw new BackupError(
      `${file} has a -wal file beside it: it is a database in use, not a backup; make a backup of it with \`npm run ingester -- backup FILE\``,
    );
  requireDirectory(resolve(target), 'DATABASE_PATH');
  const replaced = existsSync(target);
  if (replaced) refuseInUse(target, options.liveLease);

  // Checked as the copy that goes in place, so what is checked is what is restored.
  const partial = join(dirname(resolve(target)), `.${basename(target)}.${process.pid}.restoring`);
  try {
    copyFileSync(source, partial);
    const schemaVersion = checkBackup(partial, file);
    syncFile(partial);
    // The old file's WAL and shared memory must not be applied to the restored one.
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    renameSync(partial, target);
    return { schemaVersion, bytes: statSync(target).size, replaced };
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw error;
  }
}

/**
 * Refuses a target that a sync holds (its lease) or that another connection has open: leaving WAL mode
 * needs the only connection to the file, so SQLite itself says whether anyone else has it open (a
 * `serve`, a `sync`, a SQL client). That also writes the target's WAL into it, so nothing is left in one.
 */
function refuseInUse(target: string, liveLease: (holder: LeaseHolder) => boolean): void {
  let db: Database.Database;
  try {
    db = new Database(target, { fileMustExist: true });
  } catch {
    return; // not a database we can open (damaged): nothing can be using it as one
  }
  try {
    db.pragma('busy_timeout = 0');
    let lease: LeaseHolder | undefined;
    try {
      const row = db
        .prepare('SELECT host, pid, acquired_at, expires_at FROM sync_lock WHERE id = 1')
        .get() as { host: string; pid: number; acquired_at: string; expires_at: number } | undefined;
      lease = row && { host: row.host, pid: row.pid, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_BUSY') throw inUse(target);
      // No sync_lock table (an empty or foreign file), or a damaged one: no sync holds it.
    }
    if (lease && liveLease(lease))
      throw new BackupError(
        `a sync is running on ${target} (pid ${lease.pid} on ${lease.host}, since ${lease.acquiredAt}); wait for it to finish, or stop it, then restore`,
      );
    try {
      db.pragma('journal_mode = DELETE');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw inUse(target);
    }
  } finally {
    db.close();
  }
}

function inUse(target: string): BackupError {
  return new BackupError(
    `the database ${target} is open in another process (serve, sync, or a SQL client); stop them all, then restore`,
  );
}

/** A database of this project, intact, and a schema this code knows; returns its schema version. */
function checkBackup(path: string, file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const problems = integrity.map((row) => row.integrity_check).filter((line) => line !== 'ok');
    if (problems.length)
      throw new BackupError(
        `${file} is damaged (integrity_check: ${problems.slice(0, 3).join('; ')}); use another backup`,
      );
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[],
    );
    if (version < 1 || !['reports', 'sync_runs', 'scopes'].every((table) => tables.has(table)))
      throw new BackupError(`${file} is not a database of this project (no Copilot metrics schema in it)`);
    const latest = latestSchemaVersion();
    if (version > latest)
      throw new BackupError(
        `${file} is schema version ${version}, newer than this ingester knows (${latest}); restore it with the newer ingester that wrote it`,
      );
    return version;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw new BackupError(`${file} is not a SQLite database (${(error as Error).message})`);
    throw error;
  } finally {
    db?.close();
  }
}
