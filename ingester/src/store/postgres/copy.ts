/**
 * `copy --to postgres://…`: moves a SQLite database, every table as stored (figures, raw archive,
 * report status, seats history, billing, settings), into an empty PostgreSQL database migrated to the
 * same schema version, in one transaction on each side: one consistent snapshot of the SQLite file
 * (serve may keep syncing it meanwhile) and all or nothing in PostgreSQL. Rows stream in multi-row
 * INSERTs; ids are copied as stored and each identity sequence is moved past them.
 */
import { Client } from 'pg';
import type { DB } from '../connection';
import { latestSchemaVersion } from '../migrate';
import { VERSION_TABLE, migratePostgres } from './migrate';

/** Bind parameters a statement at most (PostgreSQL's limit is 65,535). */
const MAX_PARAMETERS = 30_000;

/**
 * Tables not copied: SQLite's own, and the sync lease (a lease held in the SQLite file means nothing to
 * PostgreSQL, where a sync holds an advisory lock instead).
 */
const NOT_COPIED = new Set(['sync_lock']);

export class CopyError extends Error {}

export interface CopyResult {
  schemaVersion: number;
  /** Rows copied per table, in the order copied. */
  tables: { table: string; rows: number }[];
}

export interface CopyOptions {
  /** Called after each table, and every `MAX_PARAMETERS` worth of rows within one. */
  onProgress?: (table: string, rows: number, total: number) => void;
  signal?: AbortSignal;
}

/** A connection string with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable connection string)';
  }
}

/** Copies `source` (a SQLite database at the current schema version) into the empty database at `url`. */
export async function copyToPostgres(
  source: DB,
  url: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CopyError(
      `copy --to needs a PostgreSQL connection string, postgres://USER:PASSWORD@HOST:PORT/DATABASE (got "${redactUrl(url)}")`,
    );
  const version = source.pragma('user_version', { simple: true }) as number;
  if (version !== latestSchemaVersion())
    throw new CopyError(
      `the SQLite database is at schema version ${version}, this ingester writes ${latestSchemaVersion()}: open it once with this version (npm run ingester -- status) and copy again`,
    );
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new CopyError(
      `cannot connect to ${redactUrl(url)}: ${(error as Error).message}. Check the host, port, user, password and database name, and that the database exists (CREATE DATABASE)`,
    );
  }
  try {
    await migratePostgres(client);
    const tables = copyOrder(source);
    await refuseNonEmpty(client, tables);
    // One snapshot of the SQLite file for every table (a sync may commit meanwhile).
    source.exec('BEGIN');
    await client.query('BEGIN');
    try {
      const copied: CopyResult['tables'] = [];
      for (const table of tables) {
        if (options.signal?.aborted) throw new CopyError('copy stopped by a signal; nothing was written');
        copied.push({ table, rows: await copyTable(source, client, table, options) });
      }
      await moveSequences(client);
      await client.query('COMMIT');
      await client.query('ANALYZE');
      return { schemaVersion: version, tables: copied };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      source.exec('COMMIT');
    }
  } finally {
    await client.end();
  }
}

/** Every table to copy, each after the tables its foreign keys refer to. */
function copyOrder(source: DB): string[] {
  const tables = source
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const refersTo = new Map(
    tables.map((table) => [
      table,
      source
        .prepare('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)')
        .pluck()
        .all(table) as string[],
    ]),
  );
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table))
      throw new CopyError(`foreign keys form a cycle: ${[...path, table].join(' → ')}`);
    for (const parent of refersTo.get(table) ?? []) if (parent !== table) visit(parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered.filter((table) => !NOT_COPIED.has(table));
}

async function refuseNonEmpty(client: Client, tables: readonly string[]): Promise<void> {
  const filled: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS filled`);
    if (rows[0].filled) filled.push(table);
  }
  if (filled.length)
    throw new CopyError(
      `copy needs an empty database, and ${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ` and ${filled.length - 5} more tables` : ''} already hold rows: create a new database (CREATE DATABASE …) and copy into it; nothing was written`,
    );
}

async function copyTable(source: DB, client: Client, table: string, options: CopyOptions): Promise<number> {
  const columns = source
    .prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
    .pluck()
    .all(table) as string[];
  const total = source.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const insert = (count: number) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from(
      { length: count },
      (_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
    ).join(', ')}`;
  const full = insert(perStatement);
  let batch: unknown[] = [];
  let rows = 0;
  const flush = async (count: number) => {
    if (count === 0) return;
    await client.query(count === perStatement ? full : insert(count), batch);
    rows += count;
    batch = [];
    options.onProgress?.(table, rows, total);
  };
  let pending = 0;
  for (const row of source
    .prepare(`SELECT ${columns.join(', ')} FROM ${table}`)
    .raw()
    .iterate() as IterableIterator<unknown[]>) {
    for (const value of row) batch.push(value);
    if (++pending === perStatement) {
      await flush(pending);
      pending = 0;
    }
  }
  await flush(pending);
  if (rows === 0) options.onProgress?.(table, 0, total);
  const { rows: counted } = await client.query(`SELECT count(*)::bigint AS n FROM ${table}`);
  if (Number(counted[0].n) !== rows)
    throw new CopyError(
      `${table}: ${rows} rows read from SQLite, ${counted[0].n} in PostgreSQL; nothing was written`,
    );
  return rows;
}

/** Ids were copied as stored: each identity sequence continues after the largest. */
async function moveSequences(client: Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name <> $1`,
    [VERSION_TABLE],
  );
  for (const { table_name: table, column_name: column } of rows)
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), (SELECT coalesce(max(${column}), 0) + 1 FROM ${table}), false)`,
      [table, column],
    );
}
