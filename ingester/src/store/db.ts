/**
 * Opens the database: a connection with its pragmas (connection.ts), migrated to the current schema
 * when it is the writer (migrate.ts); readers never migrate.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { type DB, openConnection } from './connection';
import { loadMigrations, migrate } from './migrate';

/** The connection type, for the modules outside store/ that open or read the database. */
export type { DB } from './connection';

export function openDatabase(path: string, options: { readonly?: boolean } = {}): DB {
  if (!options.readonly) refuseNewerSchema(path);
  const db = openConnection(path, options);
  if (options.readonly) return db;
  try {
    migrate(db);
  } catch (error) {
    // Closing is what removes the -wal and -shm files opening made; a refused file is left as found.
    db.close();
    throw error;
  }
  return db;
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
