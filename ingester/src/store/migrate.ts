/** The schema: plain `NNN_name.sql` files applied in order, and the backfills a plain SQL file cannot do. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActiveSetWriter } from './activeSets';
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
