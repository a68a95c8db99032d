/**
 * Opens the database: a connection with its pragmas (connection.ts), migrated to the current schema
 * when it is the writer (migrate.ts); readers never migrate.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DB, openConnection } from './connection';
import { MigrationBusyError, loadMigrations, migrate } from './migrate';

/** The connection type, for the modules outside store/ that open or read the database. */
export type { DB } from './connection';

export interface OpenOptions {
  readonly?: boolean;
  /** Told when this connection migrated the schema (from one version to another). */
  onMigrated?: (from: number, to: number) => void;
  /** How long to wait for another process's write lock before migrating; the connection's own otherwise. */
  migrationBusyTimeoutMs?: number;
}

export function openDatabase(path: string, options: OpenOptions = {}): DB {
  if (!options.readonly) refuseNewerSchema(path);
  const db = openConnection(path, options);
  if (options.readonly) return db;
  try {
    const { from, to } = migrate(db, undefined, { busyTimeoutMs: options.migrationBusyTimeoutMs });
    if (from !== to) options.onMigrated?.(from, to);
  } catch (error) {
    // Closing is what removes the -wal and -shm files opening made; a refused file is left as found.
    db.close();
    throw error;
  }
  return db;
}

/**
 * The writer's connection for a command: as openDatabase, but while another process holds the write
 * lock (several replicas migrating one new file at once, or a long report being stored) it waits in
 * short steps, so that a shutdown `signal` still ends it promptly, up to `waitMs`.
 */
export async function openDatabaseWaiting(
  path: string,
  options: Omit<OpenOptions, 'readonly' | 'migrationBusyTimeoutMs'> & {
    signal?: AbortSignal;
    waitMs?: number;
  } = {},
): Promise<DB> {
  const deadline = Date.now() + (options.waitMs ?? 300_000);
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return openDatabase(path, { onMigrated: options.onMigrated, migrationBusyTimeoutMs: 500 });
    } catch (error) {
      if (!(error instanceof MigrationBusyError) || Date.now() > deadline) throw error;
    }
    await sleep(200, undefined, { signal: options.signal });
  }
}

/**
 * A database a newer ingester wrote is refused before SQLite opens it: opening for writing sets
 * journal_mode and other pragmas, which may write to the file. Its schema version is read from the file
 * header, without a connection. With a -wal file beside it the header may be behind the log; SQLite then
 * reads it, and migrate() refuses it on the connection.
 */
function refuseNewerSchema(path: string): void {
  const stored = headerUserVersion(path);
  const latest = loadMigrations().at(-1)?.version ?? 0;
  if (stored !== undefined && stored > latest) {
    throw new Error(
      `The database at ${path} is schema version ${stored}, newer than this ingester knows (${latest}): a newer version of the ingester wrote it. Upgrade the ingester, or point DATABASE_PATH at another file. Nothing was written to it.`,
    );
  }
}

/** PRAGMA user_version as the file header stores it: bytes 60-63, big-endian (SQLite's file format). */
function headerUserVersion(path: string): number | undefined {
  if (path === ':memory:' || !existsSync(path) || existsSync(`${path}-wal`)) return undefined;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(100);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read < header.length || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return undefined;
    return header.readUInt32BE(60);
  } finally {
    closeSync(fd);
  }
}
