/**
 * Index choices SQLite's statistics cannot be trusted with (sampled statistics see a few thousand rows
 * where a scope has hundreds of thousands): scope totals read their partial index; a ranking of users
 * over four weeks or more reads the user-ordered covering index instead of sorting every user-day row.
 */
import { TABLE_NAMES } from '../../reports/schema';
import type { DayRange, Plan } from './types';

/** Columns of the usage_day_by_user covering index (migration 003). */
const BY_USER_COLUMNS = new Set([
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_added_sum',
  'loc_deleted_sum',
  'ai_credits_used',
]);
/** Figure tables that have a partial `<table>_scope_rows` index over subject-0 rows (migration 003). */
const SCOPE_ROW_INDEXED = new Set(TABLE_NAMES);

/** The INDEXED BY clause for reading the plan's own table, or '' to let SQLite choose. */
export function indexHint(plan: Plan, range: DayRange, topUsersOnly: boolean): string {
  const table = plan.source.table;
  if (!plan.userRows && !plan.repoRows)
    return SCOPE_ROW_INDEXED.has(table) ? `INDEXED BY ${table}_scope_rows` : '';
  if (
    table !== 'usage_day' ||
    plan.groupSql !== 'x.user_ref' ||
    topUsersOnly ||
    range.toDay - range.fromDay < 27
  )
    return '';
  const columns = plan.metric.parts
    .flatMap((part) => [...part.matchAll(/x\.(\w+)/g)].map((m) => m[1]))
    .filter((c) => c !== 'user_ref');
  return columns.every((c) => BY_USER_COLUMNS.has(c)) ? 'INDEXED BY usage_day_by_user' : '';
}
