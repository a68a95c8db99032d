/**
 * SYNC_RETENTION_DAYS on PostgreSQL, as ../retention.ts: the days before a cut dropped whole, the month
 * and the week and month sets the cut falls in rebuilt, in one transaction.
 */
import { type DayNumber, monthStart } from '../../days';
import { PERIODS, periodStart } from '../activePeriods';
import { DAY_TABLES } from '../retention';
import type { PostgresActiveSets } from './activeSets';
import type { PostgresRollups } from './rollups';
import type { WriterConnection } from './writerConnection';

export async function prunePostgresBefore(
  connection: WriterConnection,
  day: DayNumber,
  rollups: PostgresRollups,
  activeSets: PostgresActiveSets,
): Promise<number> {
  return connection.transaction(async (query) => {
    let rows = 0;
    for (const table of DAY_TABLES)
      rows += (await query(`DELETE FROM ${table} WHERE day < ?`, [day])).rowCount ?? 0;
    rows += (await query('DELETE FROM user_month WHERE month < ?', [monthStart(day)])).rowCount ?? 0;
    const scopes = await query<{ scope_id: number }>(
      'SELECT DISTINCT scope_id FROM user_month WHERE month = ?',
      [monthStart(day)],
    );
    for (const { scope_id: scope } of scopes.rows) await rollups.rebuildUserMonth(query, scope, day);
    for (const period of PERIODS) {
      const start = periodStart(period, day);
      const cut = await query<{ scope_id: number }>(
        'SELECT DISTINCT scope_id FROM active_period_sets WHERE period = ? AND start = ?',
        [period, start],
      );
      rows +=
        (await query('DELETE FROM active_period_sets WHERE period = ? AND start < ?', [period, start]))
          .rowCount ?? 0;
      if (start < day)
        for (const { scope_id: scope } of cut.rows)
          await activeSets.rebuildPeriod(query, scope, period, start);
    }
    return rows;
  });
}
