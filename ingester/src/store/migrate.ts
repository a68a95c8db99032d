/** The schema: plain `NNN_name.sql` files applied in order, and the backfills a plain SQL file cannot do. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backfillActivePeriods } from './activePeriods';
import { ACTIVE_SET_KINDS, ActiveSetWriter } from './activeSets';
import type { DB } from './connection';

/** Copied next to the compiled code by the build (ingester/package.json). */
const MIGRATIONS_DIR = join(__dirname, 'migrations');

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
    // The weekly and monthly sets come later (012), from these.
    const sets = new ActiveSetWriter(db, { periods: false });
    const days = db
      .prepare("SELECT DISTINCT scope_id, day FROM reports WHERE kind = 'users' AND status = 'ok'")
      .all() as { scope_id: number; day: number }[];
    for (const { scope_id, day } of days) sets.rebuild(scope_id, day);
  },
  12: (db) => backfillActivePeriods(db, ACTIVE_SET_KINDS),
};

/** Another process holds the database's write lock (migrating, or storing a report) past the busy timeout. */
export class MigrationBusyError extends Error {}

function refuseNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new Error(
      `The database schema is version ${current}, newer than this ingester knows (${latest}). Upgrade the ingester, or point DATABASE_PATH at another file.`,
    );
  }
}

/** The schema version this code migrates to. */
export function latestSchemaVersion(migrations = loadMigrations()): number {
  return migrations.at(-1)?.version ?? 0;
}

/**
 * Brings the schema up to date, once whatever the number of processes opening the file together: all
 * migrations run in one IMMEDIATE transaction (the write lock), and the version is read again inside
 * it, so a process that waited for another's migration finds nothing left to do. Returns the version
 * the database had, and the one it has now.
 */
export function migrate(
  db: DB,
  migrations = loadMigrations(),
  options: { busyTimeoutMs?: number } = {},
): { from: number; to: number } {
  const latest = latestSchemaVersion(migrations);
  const before = db.pragma('user_version', { simple: true }) as number;
  refuseNewer(before, latest);
  if (before === latest) return { from: before, to: latest };
  let from = before;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
  try {
    db.transaction(() => {
      from = db.pragma('user_version', { simple: true }) as number;
      refuseNewer(from, latest);
      for (const migration of migrations) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        BACKFILLS[migration.version]?.(db);
        db.pragma(`user_version = ${migration.version}`);
      }
    }).immediate();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new MigrationBusyError(
        `the database is locked by another process (migrating it, or storing a report): ${(error as Error).message}`,
      );
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
  return { from, to: latest };
}
