/**
 * The SQL of a report's figure rows, generated from the table specs (reports/schema.ts) for both
 * engines: the plain INSERT of a row, the upsert that adds a repeated key's counters, and the DELETEs
 * that clear what a report kind owns before its new version is written. Written with `?` parameters;
 * the PostgreSQL engine rewrites them to `$n`.
 */
import { RECORD_TABLES, type TableSpec } from '../reports/schema';
import type { ReportKind } from '../reports/types';
import { type Dialect, SQLITE } from './dialect';

function additive(kind: TableSpec['values'][number]): boolean {
  if (typeof kind.kind === 'object' || kind.kind === 'text' || kind.kind === 'bool') return false;
  return kind.additive ?? true;
}

/** The key columns of a table spec's rows, in primary-key order. */
export function keyColumnsOf(spec: TableSpec): string[] {
  return [
    'scope_id',
    'day',
    spec.subject,
    ...(spec.fixed ? [spec.fixed.column] : []),
    ...spec.keys.map((k) => k.column),
  ];
}

/** Plain INSERT for one table spec: the common case, a key not stored yet in this report. */
export function plainInsertSql(spec: TableSpec): string {
  const columns = [...keyColumnsOf(spec), ...spec.values.map((v) => v.column)];
  return `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

/** The plain INSERT of `rows` rows in one statement (`plainInsertSql` with more VALUES tuples). */
export function wideInsertSql(spec: TableSpec, rows: number): string {
  const plain = plainInsertSql(spec);
  const row = plain.slice(plain.lastIndexOf('('));
  return `${plain}${`, ${row}`.repeat(rows - 1)}`;
}

/** INSERT for one table spec; a repeated key within one report adds counters and keeps the latest labels. */
export function insertSql(spec: TableSpec, dialect: Dialect = SQLITE): string {
  const stored = (column: string) => dialect.stored(spec.table, column);
  const updates = spec.values.map((v) =>
    additive(v)
      ? `${v.column} = coalesce(${stored(v.column)} + excluded.${v.column}, ${stored(v.column)}, excluded.${v.column})`
      : `${v.column} = coalesce(excluded.${v.column}, ${stored(v.column)})`,
  );
  return `${plainInsertSql(spec)}
    ON CONFLICT (${keyColumnsOf(spec).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

const unique = <T>(items: readonly T[]) => [...new Set(items)];

/** Whether a (scope, day) has a per-user row: read before a users report replaces the day's rows. */
export const USER_DAY_SQL = 'SELECT 1 FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 LIMIT 1';

/** Which rows a report kind owns, so a new version of the report replaces exactly those. */
export function replacementDeletes(kind: ReportKind): string[] {
  const tablesOf = (specs: readonly TableSpec[]) =>
    unique(specs.map((s) => `${s.table}:${s.subject}`)).map((t) => t.split(':'));
  switch (kind) {
    case 'aggregate':
      return tablesOf(RECORD_TABLES.aggregate).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} = 0`,
      );
    case 'users':
      return tablesOf(RECORD_TABLES.user).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} > 0`,
      );
    case 'repos':
      return tablesOf(RECORD_TABLES.repo).map(
        ([table, subject]) => `DELETE FROM ${table} WHERE scope_id = ? AND day = ? AND ${subject} > 0`,
      );
    case 'user-teams':
      return ['DELETE FROM team_members WHERE scope_id = ? AND day = ?'];
  }
}
