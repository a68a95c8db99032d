/** The shared fixtures (src/testing, also offered to other packages), and what only these tests need. */
import type { DB } from '../src/store/db';
import { ALL_TABLE_SPECS } from '../src/reports/schema';

export * from '../src/testing';

/**
 * The statements of a content fingerprint of the figure tables, one per table in SQL both engines run:
 * its row count and the sum of every numeric column. Dictionary ids differ between databases, so they
 * are left out; two syncs of the same data must agree.
 */
export const FINGERPRINT_QUERIES: readonly { table: string; sql: string }[] = [
  ...new Set(ALL_TABLE_SPECS.map((s) => s.table)),
].map((table) => {
  const columns = ALL_TABLE_SPECS.filter((s) => s.table === table)
    .flatMap((s) => s.values)
    .filter((c) => c.kind === 'int' || c.kind === 'real' || c.kind === 'bool')
    .map((c) => c.column);
  const sums = [...new Set(columns)].map((c) => `coalesce(sum(${c}), 0) AS ${c}`).join(', ');
  return { table, sql: `SELECT count(*) AS rows, ${sums} FROM ${table}` };
});
export const FINGERPRINT_MEMBERS = 'SELECT count(*) FROM team_members';

/** One table's fingerprint row into `out`, each figure to two decimals. */
export function addFingerprint(
  out: Record<string, number>,
  table: string,
  row: Record<string, unknown>,
): void {
  for (const [key, value] of Object.entries(row))
    out[`${table}.${key}`] = Math.round(Number(value) * 100) / 100;
}

/** The fingerprint (FINGERPRINT_QUERIES) of a SQLite database; engines.ts's storedFingerprint reads either engine. */
export function fingerprint(db: DB): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { table, sql } of FINGERPRINT_QUERIES)
    addFingerprint(out, table, db.prepare(sql).get() as Record<string, unknown>);
  out['team_members.rows'] = db.prepare(FINGERPRINT_MEMBERS).pluck().get() as number;
  return out;
}
