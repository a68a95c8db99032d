/** "Others" of a ranking: every group outside the top, as one group (OTHERS). */
import type { Interval } from '@copilot-metrics/contract';
import { userTotalsRollup } from '../plan/rollups';
import type { DayRange, Plan } from '../plan/types';
import type { Aggregator } from './aggregate';
import { BUCKET_OF } from './buckets';
import { combine } from './combine';
import { OTHERS, type AggregateRows } from './rows';

/** The plan without the given groups' rows; undefined when the plan cannot leave groups out (active sets). */
export function excluding(plan: Plan, groups: number[]): Plan | undefined {
  if (plan.sets && !plan.rollup) return undefined;
  const list = groups.map(() => '?').join(', ');
  return {
    ...plan,
    sets: undefined,
    where: [...plan.where, `${plan.groupSql} NOT IN (${list})`],
    params: [...plan.params, ...groups],
    rollup: plan.rollup && {
      ...plan.rollup,
      where: [...plan.rollup.where, `${plan.rollup.groupSql} NOT IN (${list})`],
      params: [...plan.rollup.params, ...groups],
    },
  };
}

/**
 * "Others" for metrics made of sums: the top groups' parts and the all-groups total are summed per
 * day (both follow an index, no sort of every row), then bucketed here, and Others is the difference.
 */
export async function foldOthersBySubtraction(
  aggregator: Aggregator,
  plan: Plan,
  range: DayRange,
  interval: Interval,
  top: number[],
): Promise<AggregateRows> {
  const bucketOf = BUCKET_OF[interval];
  const out: AggregateRows = new Map();
  const add = (bucket: number, group: number, parts: (number | null)[], sign: number) => {
    const id = `${bucket}:${group}`;
    let row = out.get(id);
    if (!row) out.set(id, (row = { bucket, group, parts: parts.map(() => null) }));
    parts.forEach((part, i) => {
      if (part !== null) row!.parts[i] = (row!.parts[i] ?? 0) + sign * part;
    });
  };
  for (const row of (await aggregator.rows(plan, range, 'day', top, false)).values()) {
    add(bucketOf(row.bucket), row.group, row.parts, 1);
    add(bucketOf(row.bucket), OTHERS, row.parts, -1);
  }
  const all: Plan = { ...plan, groupSql: '0' };
  // Every row of the plan, summed per day: from its rollup, or, for plain sums of every person's rows
  // (a ranking of people), from user_totals_day.
  all.rollup = plan.rollup ? { ...plan.rollup, groupSql: '0' } : userTotalsRollup(all);
  for (const row of (await aggregator.rows(all, range, 'day')).values())
    add(bucketOf(row.bucket), OTHERS, row.parts, 1);
  return out;
}

/** The whole-range value of Others in a table: every group of `plan` but the top ones, folded. */
export async function othersTotal(
  aggregator: Aggregator,
  plan: Plan,
  range: DayRange,
  top: number[],
): Promise<number | null> {
  const folded = await aggregator.rows(plan, range, 'total', top);
  const others = [...folded.values()].find((row) => row.group === OTHERS);
  return others ? combine(plan.metric, others.parts) : null;
}
