/**
 * SYNC_RETENTION_DAYS: the days before a cut are dropped whole, and the week and month the cut falls in
 * are rebuilt.
 */
import { type DayNumber, monthStart } from '../days';
import { TABLE_NAMES } from '../reports/schema';
import type { DB } from './connection';
import { ActivePeriodWriter, PERIODS, periodStart } from './activePeriods';
import { ACTIVE_SET_KINDS } from './activeSets';
import { Rollups } from './rollups';

/** Every table keyed by day: figures, memberships, rollups, active-user sets, seats, billing, archive and statuses. */
export const DAY_TABLES = [
  ...TABLE_NAMES,
  'team_members',
  'team_day',
  'user_totals_day',
  'active_sets',
  'seat_snapshots',
  'billing_usage_day',
  'billing_user_day',
  'billing_cost_center_day',
  'billing_budgets',
  'billing_budget_user_states',
  'billing_cost_centers',
  'raw_chunks',
  'reports',
];

/** Drops every figure, membership, archive and status row before `day`; returns how many rows went. */
export function pruneBefore(db: DB, day: DayNumber, rollups = new Rollups(db)): number {
  return db.transaction(() => {
    let rows = 0;
    for (const table of DAY_TABLES) rows += db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(day).changes;
    // Monthly totals: months wholly before the cut go; the month it falls in is rebuilt from what is left.
    rows += db.prepare('DELETE FROM user_month WHERE month < ?').run(monthStart(day)).changes;
    const scopes = db
      .prepare('SELECT DISTINCT scope_id FROM user_month WHERE month = ?')
      .pluck()
      .all(monthStart(day)) as number[];
    for (const scope of scopes) rollups.rebuildUserMonth(scope, day);
    // Weekly and monthly active sets: the same, for the week and the month the cut falls in.
    const periods = new ActivePeriodWriter(db, ACTIVE_SET_KINDS);
    for (const period of PERIODS) {
      const start = periodStart(period, day);
      const cut = db
        .prepare('SELECT DISTINCT scope_id FROM active_period_sets WHERE period = ? AND start = ?')
        .pluck()
        .all(period, start) as number[];
      rows += db
        .prepare('DELETE FROM active_period_sets WHERE period = ? AND start < ?')
        .run(period, start).changes;
      if (start < day) for (const scope of cut) periods.rebuildPeriod(scope, period, start);
    }
    return rows;
  })();
}
