/** The shared fixtures (src/testing, also offered to other packages), and what only these tests need. */
import type { DB } from '../src/store/db';
import { ALL_TABLE_SPECS } from '../src/reports/schema';

export * from '../src/testing';

/**
 * Content fingerprint of the figure tables: row counts and sums of every numeric column. Dictionary
 * ids differ between databases, so they are left out; two syncs of the same data must agree.
 */
export function fingerprint(db: DB): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of new Set(ALL_TABLE_SPECS.map((s) => s.table))) {
    const columns = ALL_TABLE_SPECS.filter((s) => s.table === table)
      .flatMap((s) => s.values)
      .filter((c) => c.kind === 'int' || c.kind === 'real' || c.kind === 'bool')
      .map((c) => c.column);
    const unique = [...new Set(columns)];
    const row = db
      .prepare(
        `SELECT count(*) AS rows, ${unique.map((c) => `total(${c}) AS ${c}`).join(', ')} FROM ${table}`,
      )
      .get() as Record<string, number>;
    for (const [key, value] of Object.entries(row)) out[`${table}.${key}`] = Math.round(value * 100) / 100;
  }
  out['team_members.rows'] = db.prepare('SELECT count(*) FROM team_members').pluck().get() as number;
  return out;
}
