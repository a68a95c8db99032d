/**
 * Which days GitHub has reports for: from a scope kind's first data day to two days before today.
 * The planner fetches within it, the coverage report counts gaps against it and the query side marks
 * the days that may still arrive; it sits below all three so none of them imports another.
 */
import { type DayNumber, parseDay } from './days';
import { FIRST_DATA_DAY, type Scope } from './scopes';

/** GitHub makes a day available within two full UTC days after it closes. */
export const REPORT_LAG_DAYS = 2;

export function latestAvailableDay(today: DayNumber): DayNumber {
  return today - REPORT_LAG_DAYS;
}

export function firstSyncDay(
  scope: Scope,
  today: DayNumber,
  backfillDays: number,
  from?: DayNumber,
): DayNumber {
  const horizon = from ?? today - backfillDays;
  return Math.max(horizon, parseDay(FIRST_DATA_DAY[scope.kind])!);
}
