/**
 * The PostgreSQL schema: the same `NNN_name.sql` versions as the SQLite engine's (store/migrations),
 * each rewritten in PostgreSQL's dialect (./migrations), so both engines' schema versions mean the same
 * tables. The version lives in `schema_migrations` (PostgreSQL has no user_version), and migrations run
 * in one transaction under an advisory lock, so replicas starting together migrate once.
 */
import { join } from 'node:path';
import type { ClientBase } from 'pg';
import { type Migration, latestSchemaVersion, loadMigrations } from '../migrate';
import { ADVISORY_LOCKS } from './locks';

/** Copied next to the compiled code by the build (ingester/package.json). */
const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** The runner's own table: one row per applied migration; the schema version is the largest. */
export const VERSION_TABLE = 'schema_migrations';

export function loadPostgresMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return loadMigrations(dir);
}

/**
 * Steps a plain SQL file cannot do, after the migration of that version, in the same transaction.
 * SQLite's backfills (store/migrate.ts) derive the active sets (4) and the weekly and monthly sets (12)
 * from stored rows; a PostgreSQL database is created empty at the current version by this code and
 * filled by sync or by `copy` (which copies those sets as stored), so it needs none of them yet. A
 * later migration that derives structures from stored rows adds its step here and to SQLite's.
 */
const BACKFILLS: Record<number, (client: ClientBase) => Promise<void>> = {};

/** The database's schema version: 0 for a database the ingester never migrated. */
export async function postgresSchemaVersion(client: ClientBase): Promise<number> {
  const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    VERSION_TABLE,
  ]);
  if (!rows[0].present) return 0;
  const version = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${VERSION_TABLE}`,
  );
  return version.rows[0].version ?? 0;
}

function refuseNewer(current: number, latest: number): void {
  if (current > latest) {
    throw new Error(
      `The database schema is version ${current}, newer than this ingester knows (${latest}). Upgrade the ingester, or point DATABASE_URL at another database.`,
    );
  }
}

/**
 * Brings the schema up to date. A current database is only read; otherwise one transaction takes the
 * migration lock, reads the version again (a replica that waited finds nothing left to do), applies
 * what is missing and records each version. A database newer than the code is refused before anything
 * is written. Returns the version the database had, and the one it has now.
 */
export async function migratePostgres(
  client: ClientBase,
  migrations = loadPostgresMigrations(),
): Promise<{ from: number; to: number }> {
  const latest = latestSchemaVersion(migrations);
  const before = await postgresSchemaVersion(client);
  refuseNewer(before, latest);
  if (before === latest) return { from: before, to: latest };
  let from = before;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.migrate]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    from = await postgresSchemaVersion(client);
    refuseNewer(from, latest);
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await BACKFILLS[migration.version]?.(client);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { from, to: latest };
}
