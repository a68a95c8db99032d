/**
 * What to fetch: pure. Backfill from the configured horizon (never before GitHub's first data day),
 * retry failures, always re-fetch the trailing days GitHub may still be finalizing, skip the rest.
 * Snapshots (seats) are taken of today only, once per run: GitHub cannot tell a past day's seats.
 */
import { firstSyncDay, latestAvailableDay } from '../availability';
import type { DayNumber } from '../days';
import { type ReportKind, SYNC_KINDS, type SyncKind, isReportKind } from '../reports/types';
import type { Scope } from '../scopes';

export interface PlannedReport {
  scope: Scope;
  kind: SyncKind;
  day: DayNumber;
  reason: 'missing' | 'failed' | 'refetch' | 'forced';
}

export interface PlanInput {
  scopes: readonly Scope[];
  kinds?: readonly SyncKind[];
  today: DayNumber;
  backfillDays: number;
  refetchDays: number;
  from?: DayNumber;
  to?: DayNumber;
  force?: boolean;
  /** The stored status of a (scope, kind, day), if any. */
  statusOf: (scope: Scope, kind: SyncKind, day: DayNumber) => 'ok' | 'no_data' | 'failed' | undefined;
}

/** Today's snapshots first, then the reports, newest days first. */
export function planSync(input: PlanInput): PlannedReport[] {
  const kinds = input.kinds ?? SYNC_KINDS;
  return [...planSnapshots(input, kinds), ...planReports(input, kinds.filter(isReportKind))];
}

/**
 * Today's seats of every scope whose range takes in today. Taken again on every run, so the snapshot
 * of a day is the last one of that day. An enterprise's seats are the union of its organizations', so
 * a run without organizations has none to take.
 */
function planSnapshots(input: PlanInput, kinds: readonly SyncKind[]): PlannedReport[] {
  if (!kinds.includes('seats')) return [];
  if (input.today < (input.from ?? -Infinity) || input.today > (input.to ?? Infinity)) return [];
  const hasOrganizations = input.scopes.some((scope) => scope.kind === 'organization');
  return input.scopes
    .filter((scope) => scope.kind === 'organization' || hasOrganizations)
    .map((scope) => {
      const status = input.statusOf(scope, 'seats', input.today);
      const reason: PlannedReport['reason'] = input.force
        ? 'forced'
        : status === undefined
          ? 'missing'
          : status === 'failed'
            ? 'failed'
            : 'refetch';
      return { scope, kind: 'seats', day: input.today, reason };
    });
}

/** Newest days first, so a long backfill fills the dashboards' recent range before the old one. */
function planReports(input: PlanInput, kinds: readonly ReportKind[]): PlannedReport[] {
  if (!kinds.length) return [];
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
      for (const kind of kinds) {
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
