/** Buckets in which GitHub delivered the reports a plan reads: where a missing value is a zero, not a gap. */
import type { Interval } from '@copilot-metrics/contract';
import type { SqlReader } from '../../store/reader';
import type { DayRange, Plan } from '../plan/types';
import { BUCKETS } from './buckets';
import { daysOffFilter } from './sql';

/** Buckets with a day on which every report kind of the plan is stored. */
export function reportedBuckets(
  reader: SqlReader,
  plan: Plan,
  range: DayRange,
  interval: Interval,
): Promise<number[]> {
  const kinds = plan.reportKinds;
  // Days off of a working-days query are not reported days: their points stay absent, not zeros.
  const daysOff = daysOffFilter(range, 'day');
  const sql = `SELECT DISTINCT ${BUCKETS[interval]('day')} FROM (
        SELECT day FROM reports WHERE scope_id = ? AND status = 'ok' AND day BETWEEN ? AND ? AND kind IN (${kinds.map(() => '?').join(', ')})
        ${daysOff ? `AND ${daysOff.sql}` : ''}
        GROUP BY day HAVING count(DISTINCT kind) = ?) AS reported_days`;
  return reader.pluck<number>(sql, [
    plan.scope.id,
    range.fromDay,
    range.toDay,
    ...kinds,
    ...(daysOff?.params ?? []),
    kinds.length,
  ]);
}
