/**
 * The rollups of ../rollups.ts on PostgreSQL: team_day, user_totals_day and user_month, rebuilt from
 * the stored rows inside the report's transaction, or written from figures computed in memory
 * (PRIVACY_MODE=aggregate). The statements differ from SQLite's in one way: PostgreSQL refuses a bare
 * column in an aggregate query, so every selected key column is also grouped by.
 */
import { type DayNumber, monthEnd, monthStart } from '../../days';
import { TEAM_DAY_SUMS } from '../../reports/schema';
import type { PeopleTotals } from '../interface';
import { POSTGRES } from '../dialect';
import { type TeamTotals, userMonthAddSql } from '../rollups';
import { withoutNestedLoops } from './joinPlans';
import type { Query } from './writerConnection';

const sums = (alias = '') => TEAM_DAY_SUMS.map((column) => `sum(${alias}${column})`).join(', ');
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const TEAM_DAY = `INSERT INTO team_day
  SELECT x.scope_id, x.day, m.team_ref, count(DISTINCT x.user_ref), ${sums('x.')}
  FROM usage_day x JOIN team_members m ON m.scope_id = x.scope_id AND m.day = x.day AND m.user_ref = x.user_ref
  WHERE x.scope_id = ? AND x.day = ? AND x.user_ref > 0
  GROUP BY x.scope_id, x.day, m.team_ref`;
const TEAM_DAY_ROW = `INSERT INTO team_day VALUES (${placeholders(4 + TEAM_DAY_SUMS.length)})`;
const USER_TOTALS = `INSERT INTO user_totals_day SELECT scope_id, day, count(*), ${sums()}
  FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 GROUP BY scope_id, day`;
const USER_TOTALS_ROW = `INSERT INTO user_totals_day VALUES (${placeholders(3 + TEAM_DAY_SUMS.length)})`;
const USER_MONTH = `INSERT INTO user_month
  SELECT scope_id, ?::integer, user_ref, ${sums()}
  FROM usage_day WHERE scope_id = ? AND day BETWEEN ? AND ? AND user_ref > 0
  GROUP BY scope_id, user_ref`;
const USER_MONTH_ADD = userMonthAddSql(POSTGRES, '?::integer', '?', '?');

export class PostgresRollups {
  async rebuildTeamDay(query: Query, scopeId: number, day: DayNumber): Promise<void> {
    await query('DELETE FROM team_day WHERE scope_id = ? AND day = ?', [scopeId, day]);
    await withoutNestedLoops(query, () => query(TEAM_DAY, [scopeId, day]));
  }

  /** As on SQLite: `newDay` (no per-user rows of the day before this report) adds the day to its month. */
  async rebuildPeople(query: Query, scopeId: number, day: DayNumber, newDay = false): Promise<void> {
    await query('DELETE FROM user_totals_day WHERE scope_id = ? AND day = ?', [scopeId, day]);
    await query(USER_TOTALS, [scopeId, day]);
    if (newDay) await query(USER_MONTH_ADD, [monthStart(day), scopeId, day]);
    else await this.rebuildUserMonth(query, scopeId, day);
  }

  async rebuildUserMonth(query: Query, scopeId: number, day: DayNumber): Promise<void> {
    const month = monthStart(day);
    await query('DELETE FROM user_month WHERE scope_id = ? AND month = ?', [scopeId, month]);
    await query(USER_MONTH, [month, scopeId, month, monthEnd(day)]);
  }

  async replaceTeamDay(
    query: Query,
    scopeId: number,
    day: DayNumber,
    teams: readonly TeamTotals[],
  ): Promise<void> {
    await query('DELETE FROM team_day WHERE scope_id = ? AND day = ?', [scopeId, day]);
    for (const team of teams)
      await query(TEAM_DAY_ROW, [scopeId, day, team.teamRef, team.activeUsers, ...team.sums]);
  }

  async replacePeopleTotals(
    query: Query,
    scopeId: number,
    day: DayNumber,
    everyone: PeopleTotals | undefined,
  ): Promise<void> {
    await query('DELETE FROM user_totals_day WHERE scope_id = ? AND day = ?', [scopeId, day]);
    if (everyone) await query(USER_TOTALS_ROW, [scopeId, day, everyone.activeUsers, ...everyone.sums]);
  }
}
