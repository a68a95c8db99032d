/**
 * What to fetch: pure. Backfill from the configured horizon (never before GitHub's first data day),
 * retry failures, always re-fetch the trailing days GitHub may still be finalizing, skip the rest.
 * Snapshots (seats) are taken of today only, once per run: GitHub cannot tell a past day's seats.
 */
import { firstBillingDay, firstSyncDay, latestAvailableDay, latestBillingDay } from '../availability';
import type { DayNumber } from '../days';
import {
  BILLING_KINDS,
  type ReportKind,
  SYNC_KINDS,
  type SyncKind,
  isBillingKind,
  isReportKind,
} from '../reports/types';
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

/** Today's snapshots first, then the reports, newest days first, then billing (snapshot, then days). */
export function planSync(input: PlanInput): PlannedReport[] {
  const kinds = input.kinds ?? SYNC_KINDS;
  return [
    ...planSnapshots(input, kinds),
    ...planReports(input, kinds.filter(isReportKind)),
    ...planBilling(input, kinds),
  ];
}

/**
 * The kinds a run syncs: those asked for (`billing` standing for all three billing kinds) or every
 * kind; the billing kinds only when billing is on (BILLING).
 */
export function selectKinds(requested: readonly SyncKind[] | undefined, billing: boolean): SyncKind[] {
  const kinds = new Set<SyncKind>(requested ?? SYNC_KINDS);
  if (kinds.has('billing')) for (const kind of BILLING_KINDS) kinds.add(kind);
  return SYNC_KINDS.filter((kind) => kinds.has(kind) && (billing || !isBillingKind(kind)));
}

function reasonOf(
  status: 'ok' | 'no_data' | 'failed' | undefined,
  force: boolean | undefined,
  recent: boolean,
): PlannedReport['reason'] | undefined {
  if (force) return 'forced';
  if (status === undefined) return 'missing';
  if (status === 'failed') return 'failed';
  return recent ? 'refetch' : undefined;
}

/**
 * AI-credit billing: `billing` of every scope and `billing-users` of every enterprise (the export is
 * enterprise-only), from the backfill horizon (never before billing began) to yesterday, newest first;
 * missing and failed days, and the trailing SYNC_REFETCH_DAYS again (GitHub still adjusts recent
 * figures). Stored days past GitHub's 24 months are kept, never planned away. `billing-snapshot` is
 * today's, of every scope, every run.
 */
function planBilling(input: PlanInput, kinds: readonly SyncKind[]): PlannedReport[] {
  const plan: PlannedReport[] = [];
  const inRange = input.today >= (input.from ?? -Infinity) && input.today <= (input.to ?? Infinity);
  if (kinds.includes('billing-snapshot') && inRange)
    for (const scope of input.scopes)
      plan.push({
        scope,
        kind: 'billing-snapshot',
        day: input.today,
        reason: reasonOf(input.statusOf(scope, 'billing-snapshot', input.today), input.force, true)!,
      });
  const daily = (['billing', 'billing-users'] as const).filter((kind) => kinds.includes(kind));
  if (!daily.length) return plan;
  const latest = latestBillingDay(input.today);
  const last = Math.min(input.to ?? Infinity, latest);
  const first = firstBillingDay(input.today, input.backfillDays, input.from);
  const refetchFrom = latest - input.refetchDays + 1;
  for (let day = last; day >= first; day--) {
    for (const scope of input.scopes) {
      for (const kind of daily) {
        if (kind === 'billing-users' && scope.kind !== 'enterprise') continue;
        const reason = reasonOf(input.statusOf(scope, kind, day), input.force, day >= refetchFrom);
        if (reason) plan.push({ scope, kind, day, reason });
      }
    }
  }
  return plan;
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
