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

/** AI-credit billing began on this day (GitHub: "As of June 1, 2026"); no `ai_credit` data exists before it. */
export const BILLING_FIRST_DAY = '2026-06-01';

/** Billing figures of a UTC day are asked for once it has closed (they still change for a few days: re-fetched). */
export function latestBillingDay(today: DayNumber): DayNumber {
  return today - 1;
}

/** The first billing day a sync covers: the backfill horizon, never before billing began. */
export function firstBillingDay(today: DayNumber, backfillDays: number, from?: DayNumber): DayNumber {
  return Math.max(from ?? today - backfillDays, parseDay(BILLING_FIRST_DAY)!);
}
