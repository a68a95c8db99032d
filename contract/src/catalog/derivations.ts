/** What follows from a metric's records: the groupings, combinations and formats it answers. SQL-free. */
import type { Format } from '../request';
import { BREAKDOWNS, type BreakdownId } from './breakdowns';
import { DIMENSIONS, type Dimension } from './dimensions';
import type { MetricInfo } from './metric';

/** The dimensions one kind of record offers this metric, in catalog order. */
function dimensionsOf(metric: MetricInfo, id: BreakdownId): Dimension[] {
  const breakdown = BREAKDOWNS[id];
  const dims = new Set<Dimension>();
  for (const [dim, info] of Object.entries(breakdown.dimensions) as [Dimension, { userRowsOnly?: boolean }][])
    if (!(info.userRowsOnly && metric.aggregateOnly)) dims.add(dim);
  if (breakdown.perUser && !metric.aggregateOnly) {
    dims.add('team');
    dims.add('user');
  }
  if (breakdown.perRepository) dims.add('repository');
  return DIMENSIONS.filter((d) => dims.has(d));
}

/** Which groupings a metric supports: the union over the records it is read from, and none. */
export function groupingsOf(metric: MetricInfo): Dimension[] {
  const dims = new Set<Dimension>(['none', ...metric.from.flatMap((id) => dimensionsOf(metric, id))]);
  return DIMENSIONS.filter((d) => dims.has(d));
}

/**
 * Which dimensions can be used together (as the grouping and as filters) in one query: one set per
 * kind of record. A query is valid when all its dimensions fall in one set.
 */
export function combinationsOf(metric: MetricInfo): Dimension[][] {
  const sets = metric.from.map((id) => dimensionsOf(metric, id));
  // Drop sets contained in another: they add nothing.
  return sets.filter(
    (set, i) =>
      !sets.some((other, j) => j !== i && other.length > set.length && set.every((d) => other.includes(d))),
  );
}

/** Formats a metric answers in: lists only as tables. */
export function formatsOf(metric: MetricInfo): Format[] {
  return metric.snapshot?.list || metric.billing?.list ? ['table'] : ['time_series', 'table'];
}

/** What `days=workdays` does to a metric's figures, in words (the catalog's `workdays`). */
export function workdaysEffectOf(metric: MetricInfo): string {
  if (metric.snapshot)
    return 'Not affected: seat figures are counted in one seats snapshot, not added up over days.';
  if (metric.billing)
    return 'Not affected: GitHub bills every day, so billing figures count every day; the forecast itself weighs working days and days off by the calendar (WORKWEEK, HOLIDAYS_FILE).';
  const points = 'Points of days off are absent from time series.';
  switch (metric.aggregation) {
    case 'sum':
      return `${points} Weeks, months and the whole range add up working days only.`;
    case 'ratio':
      return `${points} Weeks, months and the whole range divide sums over working days only.`;
    case 'weighted':
      return `${points} Weeks, months and the whole range weigh working days only.`;
    case 'distinct':
      return `${points} Weeks, months and the whole range count the people active on at least one working day.`;
    case 'average':
      return metric.measure && 'average' in metric.measure && /weekly|monthly|28/.test(metric.measure.average)
        ? `${points} Weeks, months and the whole range average the working days' values; each value is still GitHub's window over every day.`
        : `${points} Weeks, months and the whole range average working days only (average per working day).`;
    default:
      return points;
  }
}
