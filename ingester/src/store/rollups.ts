/**
 * Figures derived from the per-user rows, rebuilt inside the transaction that changes those rows:
 * team_day (each team's day, migration 003), user_totals_day (everyone's day, 010) and user_month
 * (each person's month, 009). In PRIVACY_MODE=aggregate no per-user row exists, and team_day and
 * user_totals_day are written from figures computed in memory instead.
 */
import type { Statement } from 'better-sqlite3';
import { type DayNumber, monthEnd, monthStart } from '../days';
import { TEAM_DAY_SUMS } from '../reports/schema';
import type { DB } from './connection';
import { type Dialect, SQLITE } from './dialect';
import type { PeopleTotals } from './interface';

/** The counters every rollup sums, in their column order, over usage_day rows aliased `alias`. */
const sums = (alias = '') => TEAM_DAY_SUMS.map((column) => `sum(${alias}${column})`).join(', ');
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** A team's figures of a day, for a team already resolved to its ref. */
export interface TeamTotals extends PeopleTotals {
  teamRef: number;
}

/**
 * The per-user totals of a day's month, one day added: the day's rows, grouped by person, upserted into
 * user_month. SQL's SUM over the month's days: nulls are skipped, and all-null stays null. The
 * parameters are the engine's placeholders for the month, the scope and the day.
 */
export function userMonthAddSql(dialect: Dialect, month: string, scope: string, day: string): string {
  const stored = (c: string) => dialect.stored('user_month', c);
  const add = (c: string) =>
    `${c} = CASE WHEN excluded.${c} IS NULL THEN ${stored(c)} WHEN ${stored(c)} IS NULL THEN excluded.${c} ELSE ${stored(c)} + excluded.${c} END`;
  return `INSERT INTO user_month
    SELECT scope_id, ${month}, user_ref, ${sums()}
    FROM usage_day WHERE scope_id = ${scope} AND day = ${day} AND user_ref > 0
    GROUP BY scope_id, user_ref
    ON CONFLICT (scope_id, month, user_ref) DO UPDATE SET ${TEAM_DAY_SUMS.map(add).join(', ')}`;
}

export class Rollups {
  private readonly teamDayDelete: Statement;
  private readonly teamDayInsert: Statement;
  private readonly teamDayRow: Statement;
  private readonly userTotalsDelete: Statement;
  private readonly userTotalsInsert: Statement;
  private readonly userTotalsRow: Statement;
  private readonly userMonthDelete: Statement;
  private readonly userMonthInsert: Statement;
  private readonly userMonthAdd: Statement;

  constructor(db: DB) {
    this.teamDayDelete = db.prepare('DELETE FROM team_day WHERE scope_id = ? AND day = ?');
    this.teamDayInsert = db.prepare(
      `INSERT INTO team_day
       SELECT x.scope_id, x.day, m.team_ref, count(DISTINCT x.user_ref), ${sums('x.')}
       FROM usage_day x JOIN team_members m ON m.scope_id = x.scope_id AND m.day = x.day AND m.user_ref = x.user_ref
       WHERE x.scope_id = ? AND x.day = ? AND x.user_ref > 0
       GROUP BY m.team_ref`,
    );
    this.teamDayRow = db.prepare(`INSERT INTO team_day VALUES (${placeholders(4 + TEAM_DAY_SUMS.length)})`);
    this.userTotalsDelete = db.prepare('DELETE FROM user_totals_day WHERE scope_id = ? AND day = ?');
    this.userTotalsInsert = db.prepare(
      `INSERT INTO user_totals_day SELECT scope_id, day, count(*), ${sums()}
       FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 GROUP BY scope_id, day`,
    );
    this.userTotalsRow = db.prepare(
      `INSERT INTO user_totals_day VALUES (${placeholders(3 + TEAM_DAY_SUMS.length)})`,
    );
    this.userMonthDelete = db.prepare('DELETE FROM user_month WHERE scope_id = ? AND month = ?');
    this.userMonthInsert = db.prepare(
      `INSERT INTO user_month
       SELECT scope_id, @month, user_ref, ${sums()}
       FROM usage_day WHERE scope_id = @scope AND day BETWEEN @month AND @last AND user_ref > 0
       GROUP BY user_ref`,
    );
    this.userMonthAdd = db.prepare(userMonthAddSql(SQLITE, '@month', '@scope', '@day'));
  }

  /** Each team's figures of a (scope, day), from the stored usage_day rows and memberships. */
  rebuildTeamDay(scopeId: number, day: DayNumber): void {
    this.teamDayDelete.run(scopeId, day);
    this.teamDayInsert.run(scopeId, day);
  }

  /**
   * The day's totals over people and the per-user totals of its month, from the stored usage_day rows.
   * `newDay`: the day had no per-user rows before this report (a backfill's every day), so its rows are
   * added to the month's totals instead of the month being summed again (at 100,000 people, reading a
   * month so far took about a second a report). Integer counters add exactly either way; AI credits
   * (REAL) may differ from a fresh sum in the last bit, as any two orders of adding do.
   */
  rebuildPeople(scopeId: number, day: DayNumber, newDay = false): void {
    this.userTotalsDelete.run(scopeId, day);
    this.userTotalsInsert.run(scopeId, day);
    if (newDay) this.userMonthAdd.run({ scope: scopeId, month: monthStart(day), day });
    else this.rebuildUserMonth(scopeId, day);
  }

  /** The per-user totals of the month `day` falls in, from the usage_day rows stored for it. */
  rebuildUserMonth(scopeId: number, day: DayNumber): void {
    const month = monthStart(day);
    this.userMonthDelete.run(scopeId, month);
    this.userMonthInsert.run({ scope: scopeId, month, last: monthEnd(day) });
  }

  /** PRIVACY_MODE=aggregate: a (scope, day)'s team figures, as computed from its reports. */
  replaceTeamDay(scopeId: number, day: DayNumber, teams: readonly TeamTotals[]): void {
    this.teamDayDelete.run(scopeId, day);
    for (const team of teams) this.teamDayRow.run(scopeId, day, team.teamRef, team.activeUsers, ...team.sums);
  }

  /** PRIVACY_MODE=aggregate: the day's totals over everyone (none without a users report). */
  replacePeopleTotals(scopeId: number, day: DayNumber, everyone: PeopleTotals | undefined): void {
    this.userTotalsDelete.run(scopeId, day);
    if (everyone) this.userTotalsRow.run(scopeId, day, everyone.activeUsers, ...everyone.sums);
  }
}
