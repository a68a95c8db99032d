import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A connection to the SQLite file: the writer's (one per process) or a reader's (query_only). */
export type DB = Database.Database;

/**
 * Opens the SQLite file with the pragmas this workload wants: WAL so the API reads while a sync
 * writes, NORMAL sync (durable at checkpoints, never corrupt), and a busy timeout for the second
 * connection.
 */
export function openConnection(path: string, options: { readonly?: boolean } = {}): DB {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  // A reader is a normal connection with query_only: SQLite's read-only mode cannot open a WAL
  // database whose -shm file does not exist yet.
  const db = new Database(path, { fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (options.readonly) {
    db.pragma('query_only = ON');
    // Readers scan large ranges of figure rows; memory-mapped I/O skips a copy per page.
    db.pragma('mmap_size = 1073741824');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  }
  // The writer appends a day's rows in key order and needs few pages at hand; a small cache keeps a
  // sync's memory flat whatever the report's size. Readers scan ranges and get more.
  db.pragma(options.readonly ? 'cache_size = -65536' : 'cache_size = -16384');
  db.pragma('temp_store = MEMORY');
  return db;
}
