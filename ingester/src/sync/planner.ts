/**
 * What to fetch: pure. Backfill from the configured horizon (never before GitHub's first data day),
 * retry failures, always re-fetch the trailing days GitHub may still be finalizing, skip the rest.
 */
import { type DayNumber, parseDay } from '../days';
import { REPORT_KINDS, type ReportKind } from '../reports/types';
import { FIRST_DATA_DAY, type Scope } from '../scopes';

/** GitHub makes a day available within two full UTC days after it closes. */
export const REPORT_LAG_DAYS = 2;

export interface PlannedReport {
  scope: Scope;
  kind: ReportKind;
  day: DayNumber;
  reason: 'missing' | 'failed' | 'refetch' | 'forced';
}

export interface PlanInput {
  scopes: readonly Scope[];
  kinds?: readonly ReportKind[];
  today: DayNumber;
  backfillDays: number;
  refetchDays: number;
  from?: DayNumber;
  to?: DayNumber;
  force?: boolean;
  /** The stored status of a (scope, kind, day), if any. */
  statusOf: (scope: Scope, kind: ReportKind, day: DayNumber) => 'ok' | 'no_data' | 'failed' | undefined;
}

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

/** Newest days first, so a long backfill fills the dashboards' recent range before the old one. */
export function planSync(input: PlanInput): PlannedReport[] {
  const last = Math.min(input.to ?? Infinity, latestAvailableDay(input.today));
  const refetchFrom = latestAvailableDay(input.today) - input.refetchDays + 1;
  const plan: PlannedReport[] = [];
  for (
    let day = last;
    day >= Math.min(...input.scopes.map((s) => firstSyncDay(s, input.today, input.backfillDays, input.from)));
    day--
  ) {
    for (const scope of input.scopes) {
      if (day < firstSyncDay(scope, input.today, input.backfillDays, input.from)) continue;
      for (const kind of input.kinds ?? REPORT_KINDS) {
        const status = input.statusOf(scope, kind, day);
        const reason: PlannedReport['reason'] | undefined = input.force
          ? 'forced'
          : status === undefined
            ? 'missing'
            : status === 'failed'
              ? 'failed'
              : day >= refetchFrom
                ? 'refetch'
                : undefined;
        if (reason) plan.push({ scope, kind, day, reason });
      }
    }
  }
  return plan;
}
