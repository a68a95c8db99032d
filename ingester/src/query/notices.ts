/**
 * What an answer says about how it was computed: the frame's `meta.custom` (scope, report, table,
 * aggregation) and the info notices Grafana shows under the panel (caveats of the figures read).
 */
import type { Notice, QueryItem } from '@copilot-metrics/contract';
import type { WorkCalendar } from '../calendar/workCalendar';
import type { DayRange, Plan } from './plan/types';

export function planMeta(plan: Plan, query: QueryItem): Record<string, unknown> {
  const report = plan.repoRows
    ? 'repos-1-day'
    : plan.userRows
      ? `users-1-day${plan.reportKinds.includes('user-teams') ? ' joined with user-teams-1-day per day' : ''}`
      : plan.scope.kind === 'enterprise'
        ? 'enterprise-1-day'
        : 'organization-1-day';
  return {
    scope: plan.scope.key,
    metric: plan.metric.id,
    source: plan.userRows ? 'per-user rows' : plan.repoRows ? 'repository rows' : 'aggregate report',
    report,
    table: plan.source.table,
    aggregation: plan.metric.aggregation,
    interval: query.interval,
  };
}

export function planNotices(plan: Plan, query: QueryItem): Notice[] {
  const notices: Notice[] = [];
  const dims = [query.groupBy, ...Object.keys(query.filters)];
  if (dims.includes('team')) {
    notices.push({
      severity: 'info',
      text: "Teams come from GitHub's user-teams report, joined day by day (membership on each day, not today's). Teams with fewer than 5 seated Copilot users are absent. A user in several teams counts in each, so team totals can exceed the scope's total.",
    });
  }
  if (plan.userRows && !plan.metric.userRowsOnly) {
    notices.push({
      severity: 'info',
      text: "Computed from per-user rows. GitHub's aggregate totals also count users seen only through server-side telemetry, so they can be slightly higher.",
    });
  }
  if (plan.metric.aggregation === 'average' && query.interval !== 'day') {
    notices.push({
      severity: 'info',
      text: `GitHub's user counts are averaged over the days of each ${query.interval}; use active_users for exact distinct users per ${query.interval}.`,
    });
  }
  if (plan.metric.aggregation === 'weighted' && query.interval !== 'day') {
    notices.push({
      severity: 'info',
      text: 'Medians and per-user averages over several days are weighted averages of the daily values (an approximation).',
    });
  }
  if (plan.source.subject === 'repo_ref' && plan.scope.kind === 'organization') {
    notices.push({
      severity: 'info',
      text: 'Organization pull-request totals are not deduplicated across organizations; enterprise totals are.',
    });
  }
  return notices;
}

/** Says how many days a working-days query left out, and which calendar decided. */
export function daysNotice(range: DayRange, calendar: WorkCalendar): Notice {
  const total = range.toDay - range.fromDay + 1;
  const off = range.daysOff?.length ?? 0;
  return {
    severity: 'info',
    text: `Working days only: ${off} of the ${total} days in the range were left out (weekends and holidays; working days: ${calendar.summary}).`,
  };
}

/** Seats are snapshots: a working-days query reads them as usual, and says so. */
export const SEATS_IGNORE_DAYS: Notice = {
  severity: 'info',
  text: 'Seat figures are counted in one seats snapshot, not added up over days: "working days only" does not change them.',
};
