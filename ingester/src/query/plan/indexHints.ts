/**
 * Index choices SQLite's statistics cannot be trusted with (sampled statistics see a few thousand rows
 * where a scope has hundreds of thousands): scope totals read their partial index over subject-0 rows.
 */
import { TABLE_NAMES } from '../../reports/schema';
import type { Plan } from './types';

/** Figure tables that have a partial `<table>_scope_rows` index over subject-0 rows (migration 003). */
const SCOPE_ROW_INDEXED = new Set(TABLE_NAMES);

/** The INDEXED BY clause for reading the plan's own table, or '' to let SQLite choose. */
export function indexHint(plan: Plan): string {
  const table = plan.source.table;
  return !plan.userRows && !plan.repoRows && SCOPE_ROW_INDEXED.has(table)
    ? `INDEXED BY ${table}_scope_rows`
    : '';
}
