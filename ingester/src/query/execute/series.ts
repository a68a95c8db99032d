/** A plan's time series: one per group (the top groups, then Others), a point per bucket. */
import type { Interval } from '@copilot-metrics/contract';
import type { DayRange, Plan } from '../plan/types';
import type { Aggregator } from './aggregate';
import { combine } from './combine';
import type { GroupGuard } from './guard';
import { foldOthersBySubtraction } from './others';
import { OTHERS } from './rows';
import type { SeriesPoint } from '../frames';
import type { GroupLabels } from '../labels';

/** Aggregations whose parts are plain sums, so they can be added and subtracted outside SQL. */
const ADDITIVE = new Set(['sum', 'ratio', 'weighted']);

export interface SeriesOptions {
  /** Only these groups, in this order; all groups by label without. */
  top?: number[];
  /** Fold the groups outside `top` into Others. */
  others: boolean;
  /** Buckets GitHub reported (execute/reported.ts). */
  reported: number[];
  labels: GroupLabels;
  guard?: GroupGuard;
}

export async function timeSeries(
  aggregator: Aggregator,
  plan: Plan,
  range: DayRange,
  interval: Interval,
  { top, others, reported, labels, guard }: SeriesOptions,
): Promise<{ label: string; points: SeriesPoint[] }[]> {
  const rows =
    top && others && ADDITIVE.has(plan.metric.aggregation)
      ? await foldOthersBySubtraction(aggregator, plan, range, interval, top)
      : await aggregator.rows(plan, range, interval, top, others);
  const byGroup = new Map<number, Map<number, number | null>>();
  for (const row of rows.values()) {
    const points = byGroup.get(row.group) ?? new Map<number, number | null>();
    points.set(row.bucket, combine(plan.metric, row.parts));
    byGroup.set(row.group, points);
  }
  await labels.load(top ?? byGroup.keys());
  const order = top
    ? [...top, ...(others ? [OTHERS] : [])]
    : [...byGroup.keys()].sort((a, b) => labels.of(a).localeCompare(labels.of(b)));
  const fillZero = plan.metric.aggregation === 'sum' || plan.metric.aggregation === 'distinct';
  const series = order
    .filter((group) => byGroup.has(group) || (top !== undefined && group !== OTHERS))
    .map((group) => {
      const points = byGroup.get(group) ?? new Map<number, number | null>();
      // Days GitHub reported but this group had no entry are zeros; days never reported stay gaps.
      if (fillZero) for (const bucket of reported) if (!points.has(bucket)) points.set(bucket, 0);
      if (plan.metric.omittedWhenZero)
        for (const bucket of reported) if (points.get(bucket) === null) points.set(bucket, 0);
      return { group, points };
    });
  if (guard && series.some(({ points }) => points.size)) {
    await guard.measure(interval);
    for (const { group, points } of series)
      for (const bucket of points.keys()) if (guard.hides(bucket, group, interval)) points.set(bucket, null);
  }
  return series.map(({ group, points }) => ({
    label: group === OTHERS ? 'Others' : labels.of(group),
    points: [...points].sort((a, b) => a[0] - b[0]).map(([day, value]) => ({ day, value })),
  }));
}
