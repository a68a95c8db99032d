/**
 * Both engines' tables compared row for row, for the PostgreSQL tests: every table of a SQLite database
 * (its sync lease aside) against the same table of a PostgreSQL database, each row as text (Buffers as
 * hex) and the rows sorted, so that the same multiset of rows reads the same. `blank` names columns left
 * out of a table's comparison (they hold what differs by nature: each engine's own clock, say).
 */
import type { Client } from 'pg';
import type { DB } from '../src/store/db';

export type Blank = (table: string) => readonly string[];
const NOTHING: Blank = () => [];

/** Every table of the SQLite database but its sync lease (PostgreSQL holds an advisory lock instead). */
export function tablesOf(db: DB): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[]
  ).filter((table) => table !== 'sync_lock');
}

const columnsOf = (db: DB, table: string) =>
  db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[];

function canonicalRows(columns: string[], rows: unknown[][], blank: readonly string[]): string[] {
  const left = new Set(blank);
  return rows
    .map((row) =>
      JSON.stringify(
        row.map((value, i) =>
          left.has(columns[i]) ? '·' : Buffer.isBuffer(value) ? `x'${value.toString('hex')}'` : value,
        ),
      ),
    )
    .sort();
}

export function sqliteRows(db: DB, table: string, blank: readonly string[] = []): string[] {
  const columns = columnsOf(db, table);
  const rows = db
    .prepare(`SELECT ${columns.join(', ')} FROM ${table}`)
    .raw()
    .all() as unknown[][];
  return canonicalRows(columns, rows, blank);
}

/** The PostgreSQL table's rows, its columns as SQLite orders them (`db` names them). */
export async function postgresRows(
  pg: Client,
  db: DB,
  table: string,
  blank: readonly string[] = [],
): Promise<string[]> {
  const columns = columnsOf(db, table);
  const { rows } = await pg.query({ text: `SELECT ${columns.join(', ')} FROM ${table}`, rowMode: 'array' });
  return canonicalRows(columns, rows as unknown[][], blank);
}

/** Every table of both databases, row for row (each table named, so a difference says where). */
export async function expectSameTables(db: DB, pg: Client, blank: Blank = NOTHING): Promise<void> {
  for (const table of tablesOf(db))
    expect([table, await postgresRows(pg, db, table, blank(table))]).toEqual([
      table,
      sqliteRows(db, table, blank(table)),
    ]);
}

/**
 * What a stopped or copied sync must leave on PostgreSQL (as processes.ts `consistency` checks on SQLite):
 * every stored users report whole, and no user row outside one. Returns the ok users reports' days.
 */
export async function wholeReports(client: Client): Promise<number[]> {
  const stored = (
    await client.query(
      "SELECT scope_id, day, records FROM reports WHERE kind = 'users' AND status = 'ok' ORDER BY day",
    )
  ).rows as { scope_id: number; day: number; records: number }[];
  for (const report of stored) {
    const { rows } = await client.query(
      'SELECT count(*) AS n FROM usage_day WHERE scope_id = $1 AND day = $2 AND user_ref > 0',
      [report.scope_id, report.day],
    );
    expect([report.day, rows[0].n]).toEqual([report.day, report.records]);
  }
  const unreported = await client.query(
    `SELECT count(*) AS n FROM usage_day u WHERE user_ref > 0 AND NOT EXISTS (
       SELECT 1 FROM reports r WHERE r.scope_id = u.scope_id AND r.day = u.day AND r.kind = 'users' AND r.status = 'ok')`,
  );
  expect(unreported.rows[0].n).toBe(0);
  return stored.map((r) => r.day);
}
