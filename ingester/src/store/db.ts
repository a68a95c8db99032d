import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ActiveSetWriter } from './activeSets';

export type DB = Database.Database;

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/**
 * Opens the SQLite file with the pragmas this workload wants: WAL so the API reads while a sync
 * writes, NORMAL sync (durable at checkpoints, never corrupt), and a busy timeout for the second
 * connection. Migrations run on the writer connection only.
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): DB {
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
  if (!options.readonly) migrate(db);
  return db;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Plain `NNN_name.sql` files, applied in order; the version lives in `PRAGMA user_version`. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file,
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/**
 * Steps a plain SQL file cannot do, run in the same transaction right after the migration of that
 * version: deriving new structures from the rows already stored.
 */
const BACKFILLS: Record<number, (db: DB) => void> = {
  4: (db) => {
    const sets = new ActiveSetWriter(db);
    const days = db
      .prepare("SELECT DISTINCT scope_id, day FROM reports WHERE kind = 'users' AND status = 'ok'")
      .all() as { scope_id: number; day: number }[];
    for (const { scope_id, day } of days) sets.rebuild(scope_id, day);
  },
};

export function migrate(db: DB, migrations = loadMigrations()): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `The database schema is version ${current}, newer than this ingester knows (${latest}). Upgrade the ingester, or point DATABASE_PATH at another file.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      BACKFILLS[migration.version]?.(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return latest;
}
